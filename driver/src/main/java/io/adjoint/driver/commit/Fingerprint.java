package io.adjoint.driver.commit;

import io.adjoint.core.npy.ByteSource;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;

/**
 * What identifies a job for {@code --resume}: its kind, its arguments by name, and the content of each input file
 * by the role it plays (CRC32C of every byte, read once on the driver, and the size), hashed (SHA-256, first 8 bytes
 * as hex). Items are kept sorted by name, so the order options were given in does not matter; paths do not matter
 * either (a moved input with the same bytes is the same input), while an input whose bytes changed — even with its
 * size and modification time restored — is a different job. Two runs with the same fingerprint compute the same
 * result, so the blocks one wrote can be reused by the other.
 *
 * @param items name → value, e.g. {@code "expr" → "tanh(X)"}, {@code "input X" → "crc32c 1a2b3c4d, 800 bytes"}
 */
public record Fingerprint(String hash, TreeMap<String, String> items) implements Serializable {
    /**
     * The fingerprint of a job of {@code kind} with these arguments and input files.
     *
     * @param args argument name → value
     * @param files role of the file ("input X", "adjoint 1") → its path or URI; its content is checksummed
     */
    public static Fingerprint of(Configuration conf, String kind, Map<String, String> args, Map<String, String> files)
            throws IOException {
        TreeMap<String, String> items = new TreeMap<>();
        items.put("kind", kind);
        args.forEach((k, v) -> items.put(k, v.replace('\n', ' ')));
        for (Map.Entry<String, String> f : files.entrySet()) {
            items.put(f.getKey(), contentOf(conf, f.getValue()));
        }
        StringBuilder text = new StringBuilder();
        items.forEach((k, v) -> text.append(k).append('\0').append(v).append('\0'));
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return new Fingerprint(HexFormat.of().formatHex(d, 0, 8), items);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fingerprint no other run shares: for results that are not resumable. */
    public static Fingerprint unique() {
        return new Fingerprint(UUID.randomUUID().toString(), new TreeMap<>());
    }

    /** "crc32c HEX, N bytes" of a file's content (a local file read directly, not through Hadoop's stream layers). */
    static String contentOf(Configuration conf, String file) throws IOException {
        CRC32C c = new CRC32C();
        long n;
        try (ByteSource in = HadoopByteSource.open(file, conf)) {
            n = in.size();
            byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(1, n))];
            for (long pos = 0; pos < n; ) {
                int k = (int) Math.min(buf.length, n - pos);
                in.readFully(pos, buf, 0, k);
                c.update(buf, 0, k);
                pos += k;
            }
        }
        return "crc32c " + Long.toHexString(c.getValue()) + ", " + n + " bytes";
    }

    /** What differs from an earlier run's items, briefly: "input W1 (content), expr". */
    public String differencesFrom(Map<String, String> earlier) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(items.keySet());
        keys.addAll(earlier.keySet());
        for (String k : keys) {
            String now = items.get(k);
            String then = earlier.get(k);
            if (now == null) {
                out.add(k + " (not given now)");
            } else if (then == null) {
                out.add(k + " (not given then)");
            } else if (!now.equals(then)) {
                out.add(now.startsWith("crc32c ") ? k + " (content changed)" : k + " (was " + brief(then) + ")");
            }
        }
        return out.isEmpty() ? "nothing visible" : String.join(", ", out);
    }

    private static String brief(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "…";
    }
}
