package io.adjoint.driver.commit;

import io.adjoint.driver.storage.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;

/**
 * The journal that makes an in-place result resumable: a folder {@code .NAME.npy.adjoint-<fingerprint>.blocks/}
 * beside the destination holding a {@code manifest} (fingerprint, rows per block, and the fingerprint's items, so
 * a refused resume can say what differs) and one entry {@code block-%08d} per finished block ("CRC32C-hex rows"), each written under a temporary
 * name and renamed, so an entry is either complete or absent. A block is reused by a resumed run only when its
 * entry parses and the CRC32C of the bytes now in the temporary result matches it; anything else (missing,
 * damaged, other row count) means "recompute".
 */
public final class ResumeJournal implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String SUFFIX = ".blocks";
    static final String MANIFEST = "manifest";
    /** Manifest lines holding the fingerprint's items: {@code item.NAME=VALUE}. */
    private static final String ITEM = "item.";

    private final String dir;
    private final Fingerprint fingerprint;

    ResumeJournal(String dir, Fingerprint fingerprint) {
        this.dir = dir;
        this.fingerprint = fingerprint;
    }

    /** Starts an empty journal (removing any earlier one at this place) for blocks of {@code rowsPerBlock}. */
    void create(int rowsPerBlock) throws IOException {
        FileTrees.delete(Paths.get(dir));
        Files.createDirectories(Paths.get(dir));
        Files.writeString(Paths.get(dir, MANIFEST), manifest(fingerprint, rowsPerBlock));
    }

    /** The manifest's text: the fingerprint, the rows per block, and the fingerprint's items. */
    static String manifest(Fingerprint fingerprint, int rowsPerBlock) {
        StringBuilder m =
                new StringBuilder("fingerprint=" + fingerprint.hash() + "\nrowsPerBlock=" + rowsPerBlock + "\n");
        fingerprint
                .items()
                .forEach(
                        (k, v) -> m.append(ITEM).append(k).append('=').append(v).append('\n'));
        return m.toString();
    }

    /** The rows per block a manifest's text records, or 0 when it records none readable. */
    static int rowsPerBlock(String manifest) {
        for (String line : manifest.split("\n", -1)) {
            if (line.startsWith("rowsPerBlock=")) {
                try {
                    return Math.max(
                            0,
                            Integer.parseInt(
                                    line.substring("rowsPerBlock=".length()).trim()));
                } catch (NumberFormatException damaged) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The rows per block the manifest records, or 0 when there is no readable manifest. */
    int rowsPerBlock() throws IOException {
        Path m = Paths.get(dir, MANIFEST);
        return Files.exists(m) ? rowsPerBlock(Files.readString(m)) : 0;
    }

    /** The fingerprint items in the manifest of the journal folder {@code journal} (empty when unreadable). */
    static Map<String, String> items(org.apache.hadoop.fs.Path journal, FileSystem fs) {
        Map<String, String> items = new TreeMap<>();
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(journal, MANIFEST))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                int eq = line.indexOf('=');
                if (line.startsWith(ITEM) && eq > 0) {
                    items.put(line.substring(ITEM.length(), eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // unreadable: every item differs
        }
        return items;
    }

    /** Records that {@code block} holds {@code data}; a no-op when the journal is gone (an aborted job's straggler). */
    void record(int block, double[] data, int n, int rows) throws IOException {
        writeEntry(block, Long.toHexString(crc(data, n)) + " " + rows);
    }

    /** Writes block's entry under a temporary name and renames it: complete or absent, never half. */
    private void writeEntry(int block, String line) throws IOException {
        Path j = Paths.get(dir);
        if (!Files.isDirectory(j)) {
            return;
        }
        Path t = j.resolve(".block-" + block + "-" + UUID.randomUUID());
        Files.writeString(t, line + "\n");
        Path e = entry(block);
        if (Files.isDirectory(e, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.delete(e); // a damaged entry (a folder where the file goes) is replaced, as any damaged one
        }
        Files.move(t, e, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Records a block by free-form fields (no spaces inside a field), first the rows; see {@link #fields}. */
    void recordFields(int block, int rows, String... fields) throws IOException {
        writeEntry(block, rows + " " + String.join(" ", fields));
    }

    /**
     * The fields recorded by {@link #recordFields} for {@code block} if its entry is complete, for {@code rows}
     * rows and has {@code count} fields; else null (the block is recomputed).
     */
    String[] fields(int block, int rows, int count) throws IOException {
        String[] f = readEntry(block);
        if (f == null) {
            return null;
        }
        try {
            return f.length == count + 1 && Integer.parseInt(f[0]) == rows
                    ? java.util.Arrays.copyOfRange(f, 1, f.length)
                    : null;
        } catch (NumberFormatException damaged) {
            return null;
        }
    }

    /**
     * The checksum recorded for {@code block} if its entry is complete and for {@code rows} rows, else null
     * (missing or damaged: the block is recomputed).
     */
    String recorded(int block, int rows) throws IOException {
        String[] f = readEntry(block);
        if (f == null) {
            return null;
        }
        try {
            return f.length == 2 && Integer.parseInt(f[1]) == rows ? f[0] : null;
        } catch (NumberFormatException damaged) {
            return null;
        }
    }

    /**
     * The fields of block's entry, or null when it is missing or cannot be read as one (a folder, unreadable,
     * not text): a damaged entry, whose block is recomputed — never a failure of the run.
     */
    private String[] readEntry(int block) {
        Path e = entry(block);
        if (!Files.isRegularFile(e)) {
            return null;
        }
        try {
            return Files.readString(e).trim().split(" ", -1);
        } catch (IOException | java.io.UncheckedIOException damaged) {
            return null;
        }
    }

    /** Deletes the journal. */
    void delete() throws IOException {
        FileTrees.delete(Paths.get(dir));
    }

    private Path entry(int block) {
        return Paths.get(dir, String.format(Locale.ROOT, "block-%08d", block));
    }

    /** CRC32C of the first {@code n} doubles of {@code data} as little-endian bytes (the bytes in the file). */
    static long crc(double[] data, int n) {
        CRC32C c = new CRC32C();
        ByteBuffer bb = ByteBuffer.allocate(Math.min(n, 1 << 16) * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, 1 << 16);
            bb.clear();
            bb.asDoubleBuffer().put(data, done, k);
            bb.limit(k * 8);
            c.update(bb);
            done += k;
        }
        return c.getValue();
    }
}
