package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.permission.FsPermission;
import org.ejml.data.DMatrixRMaj;

/**
 * The part-file layout, for file systems without random writes (HDFS, object stores). {@link #setupJob} creates
 * the folder {@code .NAME.npy.adjoint-<fingerprint>.parts/} beside the destination with a {@code manifest}
 * (fingerprint, rows per block — the resume journal's format). Each task writes its block's rows to a temporary
 * name and renames it to {@code part-%08d-<CRC32C>}: a part is complete or absent, and names its own checksum, so
 * the folder is its own journal. {@link #commitJob} writes the {@code .npy} header as a file in the folder and joins
 * the parts onto it:
 * <ul>
 *   <li>where the file system can concatenate ({@code fs:concat}: HDFS), by {@link FileSystem#concat} — a
 *   NameNode metadata operation, no byte copied: the driver moves O(parts) bytes (names), not O(result);</li>
 *   <li>elsewhere by {@link #assemble}, which the job runs as a one-task Spark job on an executor (the driver still
 *   moves only the header), and which the driver runs itself only when called without Spark (tests).</li>
 * </ul>
 * Then the size is checked and the file renamed to the destination. {@link #abortJob} deletes the folder;
 * {@link #interruptJob} keeps it for {@code --resume}, which reuses every part whose bytes still match their CRC.
 */
public final class PartFilesResult extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    private static final String HEADER = "header";
    private static final String ASSEMBLED = "assembled";
    private final String dest;
    private final String dir;
    private final long[] shape;
    private final long cols;
    private final Fingerprint fingerprint;
    private boolean resuming;
    private int resumedRows;
    private transient String commitNote;

    PartFilesResult(String dest, String dir, long[] shape, Fingerprint fingerprint) {
        this.dest = dest;
        this.dir = dir;
        this.shape = shape.clone();
        this.cols = shape.length < 2 ? 1 : shape[shape.length - 2] * shape[shape.length - 1];
        this.fingerprint = fingerprint;
    }

    @Override
    public Layout layout() {
        return Layout.PART_FILES;
    }

    @Override
    public String destination() {
        return dest;
    }

    /** The FileSystem of {@code p}; for the local one its raw form, so no {@code .crc} side files appear. */
    static FileSystem fs(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checksummed) {
            return checksummed.getRawFileSystem();
        }
        return fs;
    }

    private static String partPrefix(int block) {
        return String.format(Locale.ROOT, "part-%08d-", block);
    }

    /** Continues the interrupted run when its folder holds a readable manifest. */
    void loadManifest(Configuration conf) throws IOException {
        Path m = new Path(dir, ResumeJournal.MANIFEST);
        FileSystem fs = fs(m, conf);
        if (!fs.exists(m)) {
            return;
        }
        try (InputStream in = fs.open(m)) {
            resumedRows = ResumeJournal.rowsPerBlock(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        resuming = resumedRows > 0;
    }

    @Override
    public boolean resuming() {
        return resuming;
    }

    @Override
    public int resumedRowsPerBlock() {
        return resumedRows;
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        if (resuming) {
            return;
        }
        Path d = new Path(dir);
        FileSystem fs = fs(d, conf);
        fs.delete(d, true);
        if (!fs.mkdirs(d)) {
            throw new IOException("could not create " + dir);
        }
        Path tmp = new Path(d, "." + ResumeJournal.MANIFEST);
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(ResumeJournal.manifest(fingerprint, rowsPerBlock).getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(tmp, new Path(d, ResumeJournal.MANIFEST))) {
            throw new IOException("could not write the manifest in " + dir);
        }
    }

    /** The finished parts of {@code block} (one, unless an attempt is replacing a damaged one). */
    private FileStatus[] parts(FileSystem fs, int block) throws IOException {
        FileStatus[] found = fs.globStatus(new Path(dir, partPrefix(block) + "*"));
        return found == null ? new FileStatus[0] : found;
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rows) throws IOException {
        FileSystem fs = fs(new Path(dir), conf);
        FileStatus[] p = parts(fs, block);
        if (p.length != 1 || p[0].getLen() != rows * cols * 8) {
            return false;
        }
        String name = p[0].getPath().getName();
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = fs.open(p[0].getPath())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        return name.substring(partPrefix(block).length()).equals(Long.toHexString(crc.getValue()));
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return (r0, data) -> {
            Path d = new Path(dir);
            FileSystem fs = fs(d, conf);
            int n = data.getNumElements();
            Path tmp = new Path(d, "." + partPrefix(block) + UUID.randomUUID());
            // non-recursive: a straggling task of an aborted job must not re-create the removed folder. The
            // EnumSet form: the local file system's boolean form creates the parent anyway (Hadoop 3.5.0)
            try (FSDataOutputStream out = fs.createNonRecursive(
                    tmp,
                    FsPermission.getFileDefault(),
                    EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                    1 << 16,
                    fs.getDefaultReplication(tmp),
                    fs.getDefaultBlockSize(tmp),
                    null)) {
                NpyWriter.writeTo(out, data.data, 0, n);
            }
            Path part = new Path(d, partPrefix(block) + Long.toHexString(ResumeJournal.crc(data.data, n)));
            for (FileStatus old : parts(fs, block)) { // a damaged part of the interrupted run, or another attempt's
                fs.delete(old.getPath(), false);
            }
            if (!fs.rename(tmp, part)) {
                fs.delete(tmp, false);
                if (!fs.exists(part)) { // not a twin attempt that got there first: the folder is gone (aborted)
                    throw new IOException("could not rename " + tmp + " to " + part);
                }
            }
        };
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) {
        // the part's name is its journal entry
    }

    /** The parts of blocks 0..blocks-1 in order, checked: one per block, sizes adding up to the result's. */
    private List<Path> orderedParts(FileSystem fs, int blocks) throws IOException {
        List<Path> parts = new ArrayList<>(blocks);
        long bytes = 0;
        for (int b = 0; b < blocks; b++) {
            FileStatus[] p = parts(fs, b);
            if (p.length != 1) {
                throw new IOException(dir + " holds " + p.length + " parts for block " + b + ", expected 1");
            }
            bytes += p[0].getLen();
            if (p[0].getLen() > 0) { // concat refuses empty sources
                parts.add(p[0].getPath());
            }
        }
        long want = NpyWriter.fileSize(shape) - NpyWriter.header(shape).length;
        if (bytes != want) {
            throw new IOException("the parts in " + dir + " hold " + bytes + " bytes, expected " + want);
        }
        return parts;
    }

    /**
     * Whether the folder's file system joins files by metadata ({@code fs:concat}, as HDFS does). The local one
     * declares the capability but throws {@link UnsupportedOperationException} (Hadoop 3.5.0), so it is excluded.
     */
    public boolean concatenates(Configuration conf) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = fs(d, conf);
        return !"file".equals(fs.getUri().getScheme()) && fs.hasPathCapability(d, CommonPathCapabilities.FS_CONCAT);
    }

    /**
     * Streams the header and the parts, in order, into {@code assembled} in the folder, 1 MiB at a time (never the
     * whole result in memory); for file systems that cannot concatenate. Run on an executor by the job.
     */
    public void assemble(Configuration conf, int blocks) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = fs(d, conf);
        List<Path> parts = orderedParts(fs, blocks);
        Path tmp = new Path(d, "." + ASSEMBLED);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(NpyWriter.header(shape));
            for (Path part : parts) {
                try (InputStream in = fs.open(part)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                    }
                }
            }
        }
        if (!fs.rename(tmp, new Path(d, ASSEMBLED))) {
            throw new IOException("could not rename " + tmp);
        }
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = fs(d, conf);
        long before = driverBytes(fs);
        Path result = new Path(d, ASSEMBLED);
        String how;
        if (concatenates(conf)) {
            List<Path> parts = orderedParts(fs, blocks);
            result = new Path(d, HEADER);
            try (OutputStream out = fs.create(result, true)) {
                out.write(NpyWriter.header(shape));
            }
            if (!parts.isEmpty()) {
                fs.concat(result, parts.toArray(new Path[0]));
            }
            how = parts.size() + " parts joined by concat";
        } else if (fs.exists(result)) {
            how = blocks + " parts assembled on an executor";
        } else {
            assemble(conf, blocks); // called without Spark (tests): the caller is the one to stream them
            how = blocks + " parts assembled by the caller";
        }
        long want = NpyWriter.fileSize(shape);
        long len = fs.getFileStatus(result).getLen();
        if (len != want) {
            throw new IOException("assembled result has " + len + " bytes, expected " + want);
        }
        Path target = new Path(dest);
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(result, target)) {
            throw new IOException("could not rename " + result + " to " + dest);
        }
        fs.delete(d, true);
        commitNote = how + "; the driver moved " + (driverBytes(fs) - before) + " bytes of data";
    }

    /** What the last {@link #commitJob} did and how many data bytes this JVM moved to or from storage for it. */
    @Override
    public String commitNote() {
        return commitNote;
    }

    /** Bytes this JVM has read and written through {@code fs}'s scheme so far (Hadoop's per-scheme statistics). */
    private static long driverBytes(FileSystem fs) {
        StorageStatistics s =
                FileSystem.getGlobalStorageStatistics().get(fs.getUri().getScheme());
        if (s == null) {
            return 0;
        }
        Long r = s.getLong("bytesRead");
        Long w = s.getLong("bytesWritten");
        return (r == null ? 0 : r) + (w == null ? 0 : w);
    }

    @Override
    public void interruptJob(Configuration conf) {
        // the folder is what --resume continues from
    }

    @Override
    public void abortJob(Configuration conf) {
        Path d = new Path(dir);
        try {
            FileSystem fs = fs(d, conf);
            // a straggling task of the failed job may still be writing its part while the folder is deleted; its
            // file makes the recursive delete fail once. Parts are created non-recursively, so once the folder is
            // gone no straggler brings it back: retry until it is (a few seconds at most)
            for (int attempt = 0; attempt < 100; attempt++) {
                fs.delete(d, true);
                if (!fs.exists(d)) {
                    return;
                }
                Thread.sleep(50);
            }
            System.err.println("adjoint: warning: could not remove temporary " + dir);
        } catch (IOException e) {
            System.err.println("adjoint: warning: could not remove temporary " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
