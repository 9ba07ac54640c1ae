package io.adjoint.driver.commit;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * What identifies a job for {@code --resume}: its kind, its arguments, and each input file's path, size and
 * modification time, hashed (SHA-256, first 8 bytes as hex). Two runs with the same fingerprint compute the same
 * result, so the blocks one wrote can be reused by the other. {@code description} says the same for people.
 */
public record Fingerprint(String hash, String description) implements Serializable {
    /** The fingerprint of a job of {@code kind} with these arguments and input files. */
    public static Fingerprint of(Configuration conf, String kind, List<String> args, List<String> files)
            throws IOException {
        StringBuilder text = new StringBuilder(kind);
        StringBuilder desc = new StringBuilder(kind);
        for (String a : args) {
            text.append('\0').append(a);
            desc.append(' ').append(a);
        }
        for (String f : files) {
            Path p = new Path(f);
            FileStatus st = p.getFileSystem(conf).getFileStatus(p);
            text.append('\0')
                    .append(f)
                    .append('\0')
                    .append(st.getLen())
                    .append('\0')
                    .append(st.getModificationTime());
            desc.append(", ")
                    .append(f)
                    .append(" (")
                    .append(st.getLen())
                    .append(" bytes, modified ")
                    .append(Instant.ofEpochMilli(st.getModificationTime()))
                    .append(')');
        }
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return new Fingerprint(
                    HexFormat.of().formatHex(d, 0, 8), desc.toString().replace('\n', ' '));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fingerprint no other run shares: for results that are not resumable. */
    public static Fingerprint unique() {
        return new Fingerprint(UUID.randomUUID().toString(), "");
    }
}
