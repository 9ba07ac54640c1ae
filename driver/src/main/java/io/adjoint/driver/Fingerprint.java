package io.adjoint.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * What identifies a job for {@code --resume}: its kind, its arguments, and each input file's path, size and
 * modification time. Two runs with the same fingerprint compute the same result, so the blocks one wrote
 * can be reused by the other.
 */
final class Fingerprint {
    final String hash;
    final String description;

    private Fingerprint(String hash, String description) {
        this.hash = hash;
        this.description = description;
    }

    static Fingerprint of(Configuration conf, String kind, List<String> args, List<String> files) throws IOException {
        StringBuilder text = new StringBuilder(kind);
        StringBuilder desc = new StringBuilder(kind);
        for (String a : args) {
            text.append('\0').append(a);
            desc.append(' ').append(a);
        }
        for (String f : files) {
            Path p = new Path(f);
            FileStatus st = p.getFileSystem(conf).getFileStatus(p);
            text.append('\0').append(f).append('\0').append(st.getLen()).append('\0').append(st.getModificationTime());
            desc.append(", ").append(f).append(" (").append(st.getLen()).append(" bytes, modified ")
                    .append(Instant.ofEpochMilli(st.getModificationTime())).append(')');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", d[i]));
            }
            return new Fingerprint(hex.toString(), desc.toString().replace('\n', ' '));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
