package io.adjoint.driver.commit;

import io.adjoint.driver.storage.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * What the results on file systems without random writes (HDFS, object stores) share: a hidden folder
 * {@code .NAME.adjoint-<fingerprint>.parts/} beside the destination holding a {@code manifest} (the resume
 * journal's format: fingerprint, rows per block) and the tasks' part files. A task writes each part under a
 * temporary name and renames it to {@code PREFIX<CRC-32>}: a part is complete or absent and names its own checksum,
 * so the folder is its own journal, and a resumed run reuses a part whose bytes still match its name.
 *
 * <p>Commit: the layout writes its few frame bytes (an {@code .npy} header; a ZIP's headers, indptr and central
 * directory) as files in the folder, and the frame files and parts, in order, become the result —
 * <ul>
 *   <li>where the file system can concatenate ({@code fs:concat}: HDFS), by {@link FileSystem#concat}, a NameNode
 *   metadata operation, no byte copied: the driver moves only the frame;</li>
 *   <li>elsewhere by {@link #assemble}, which the job runs on an executor (one task per result), streaming them into
 *   one file; the driver runs it itself only when called without Spark (tests).</li>
 * </ul>
 * then a size check and a rename. Abort deletes the folder; interrupt keeps it for {@code --resume}.
 */
public abstract class PartLayout extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    private static final String ASSEMBLED = "assembled";
    final String dest;
    final String dir;
    private final Fingerprint fingerprint;
    private transient String commitNote;

    PartLayout(String dest, String dir, Fingerprint fingerprint) {
        this.dest = dest;
        this.dir = dir;
        this.fingerprint = fingerprint;
    }

    /** The result's size in bytes, to check the joined file against. */
    abstract long resultSize();

    /**
     * Writes the frame files into the folder and returns everything to join, in order (frame files and parts). Runs
     * where the joining runs (driver for concat, executor otherwise), after every block's parts are in place.
     */
    abstract List<Path> segments(Configuration conf, FileSystem fs, int blocks) throws IOException;

    @Override
    public Layout layout() {
        return Layout.PART_FILES;
    }

    @Override
    public String destination() {
        return dest;
    }

    /** Continues the interrupted run when its folder holds a readable manifest. */
    void loadManifest(Configuration conf) throws IOException {
        Path m = new Path(dir, ResumeJournal.MANIFEST);
        FileSystem fs = HadoopFiles.fileSystem(m, conf);
        if (!fs.exists(m)) {
            return;
        }
        try (InputStream in = fs.open(m)) {
            resumeWith(ResumeJournal.rowsPerBlock(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        if (resuming()) {
            return;
        }
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        fs.delete(d, true);
        if (!HadoopFiles.mkdirs(fs, d)) {
            throw new IOException("could not create " + dir);
        }
        Path tmp = new Path(d, "." + ResumeJournal.MANIFEST);
        try (OutputStream out = HadoopFiles.create(fs, tmp, true)) {
            out.write(ResumeJournal.manifest(fingerprint, rowsPerBlock).getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(tmp, new Path(d, ResumeJournal.MANIFEST))) {
            throw new IOException("could not write the manifest in " + dir);
        }
    }

    /** What a part's bytes are written by. */
    interface PartWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Task: writes one part under a temporary name and renames it to {@code prefix + CRC-32 hex}, replacing an
     * earlier part of the same prefix (a damaged one of the interrupted run, or another attempt's).
     */
    void writePart(Configuration conf, String prefix, PartWriter writer) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        Path tmp = new Path(d, "." + prefix + UUID.randomUUID());
        CRC32 crc = new CRC32();
        // non-recursive: a straggling task of an aborted job must not re-create the removed folder. The EnumSet
        // form: the local file system's boolean form creates the parent anyway (Hadoop 3.5.0)
        try (FSDataOutputStream raw = fs.createNonRecursive(
                        tmp,
                        FsPermission.getFileDefault(),
                        EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                        1 << 16,
                        fs.getDefaultReplication(tmp),
                        fs.getDefaultBlockSize(tmp),
                        null);
                OutputStream out = new CheckedOutputStream(raw, crc)) {
            writer.write(out);
        }
        Path part = new Path(d, prefix + Long.toHexString(crc.getValue()));
        for (FileStatus old : parts(fs, prefix)) {
            fs.delete(old.getPath(), false);
        }
        if (!fs.rename(tmp, part)) {
            fs.delete(tmp, false);
            if (!fs.exists(part)) { // not a twin attempt that got there first: the folder is gone (aborted)
                throw new IOException("could not rename " + tmp + " to " + part);
            }
        }
    }

    /** The finished parts named {@code prefix…} (one, unless an attempt is replacing a damaged one). */
    FileStatus[] parts(FileSystem fs, String prefix) throws IOException {
        FileStatus[] found = fs.globStatus(new Path(dir, prefix + "*"));
        return found == null ? new FileStatus[0] : found;
    }

    /** Task: whether the part {@code prefix…} is there, {@code length} bytes long, and its bytes match its name. */
    boolean partIntact(Configuration conf, String prefix, long length) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(new Path(dir), conf);
        FileStatus[] p = parts(fs, prefix);
        if (p.length != 1 || p[0].getLen() != length) {
            return false;
        }
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = fs.open(p[0].getPath())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        return crcOf(p[0], prefix) == crc.getValue();
    }

    /** The one finished part {@code prefix…}, checked to be {@code length} bytes. */
    FileStatus part(FileSystem fs, String prefix, long length) throws IOException {
        FileStatus[] p = parts(fs, prefix);
        if (p.length != 1 || p[0].getLen() != length) {
            throw new IOException(dir + ": expected one part " + prefix + "… of " + length + " bytes, found " + p.length
                    + (p.length == 1 ? " of " + p[0].getLen() + " bytes" : ""));
        }
        return p[0];
    }

    /** The CRC-32 a part's name records. */
    static long crcOf(FileStatus part, String prefix) {
        return Long.parseLong(part.getPath().getName().substring(prefix.length()), 16);
    }

    /** Writes a small frame file {@code name} in the folder (driver or executor, at commit). */
    Path frame(FileSystem fs, String name, byte[] bytes) throws IOException {
        Path p = new Path(dir, name);
        try (OutputStream out = HadoopFiles.create(fs, p, true)) {
            out.write(bytes);
        }
        return p;
    }

    /**
     * Whether the folder's file system joins files by metadata ({@code fs:concat}, as HDFS does). The local one
     * declares the capability but its concat copies, so it is excluded.
     */
    public boolean concatenates(Configuration conf) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        return !"file".equals(fs.getUri().getScheme()) && fs.hasPathCapability(d, CommonPathCapabilities.FS_CONCAT);
    }

    /**
     * Streams the frame files and parts, in order, into {@code assembled} in the folder, 1 MiB at a time (never the
     * whole result in memory); for file systems that cannot concatenate. Run on an executor by the job.
     */
    public void assemble(Configuration conf, int blocks) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        Path tmp = new Path(d, "." + ASSEMBLED);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = HadoopFiles.create(fs, tmp, true)) {
            for (Path s : segments(conf, fs, blocks)) {
                try (InputStream in = fs.open(s)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                    }
                }
            }
        }
        Path done = new Path(d, ASSEMBLED);
        fs.delete(done, false); // one a crashed commit of the interrupted run left (stores refuse to rename onto it)
        if (!fs.rename(tmp, done)) {
            throw new IOException("could not rename " + tmp);
        }
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        long before = driverBytes(fs);
        Path result = new Path(d, ASSEMBLED);
        String how;
        if (concatenates(conf)) {
            List<Path> all = segments(conf, fs, blocks);
            result = all.get(0);
            List<Path> rest = new ArrayList<>();
            for (Path p : all.subList(1, all.size())) {
                if (fs.getFileStatus(p).getLen() > 0) { // concat refuses empty sources
                    rest.add(p);
                }
            }
            if (!rest.isEmpty()) {
                fs.concat(result, rest.toArray(new Path[0]));
            }
            how = all.size() + " files joined by concat";
        } else if (fs.exists(result)) {
            how = "parts assembled on an executor";
        } else {
            assemble(conf, blocks); // called without Spark (tests): the caller is the one to stream them
            how = "parts assembled by the caller";
        }
        long len = fs.getFileStatus(result).getLen();
        if (len != resultSize()) {
            throw new IOException("assembled result has " + len + " bytes, expected " + resultSize());
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
            FileSystem fs = HadoopFiles.fileSystem(d, conf);
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
