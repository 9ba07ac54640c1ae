package io.adjoint.driver;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.contract.PositionalFileSink;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a distributed result goes, and its atomic commit.
 *
 * <p>Everything is written under a temporary name beside the destination ({@code .NAME.adjoint-UUID…}),
 * and renamed to the destination only when every block is in place; {@link #abort} removes the
 * temporaries. Two layouts:
 * <ul>
 *   <li>{@code file://} (and bare local paths): the driver creates the temporary {@code .npy} with its
 *   header at full size; each task writes its rows into their byte range (C order makes a block of rows
 *   one contiguous range). Commit is one atomic rename. No result bytes pass through the driver.</li>
 *   <li>any other FileSystem (HDFS, S3A: no random writes): each task writes its block as a part file in
 *   a temporary folder; the commit streams header and parts, in order, into one file in that folder
 *   (one sequential pass on the driver, 8 MiB at a time, never the whole result in memory) and renames
 *   it to the destination.</li>
 * </ul>
 * Retries and speculative attempts write the same bytes to the same place, so they are harmless.
 */
public abstract class ResultOutput implements Serializable {
    private static final long serialVersionUID = 1L;

    /** "local" or "parts". */
    public abstract String mode();

    /** Driver: create the temporaries (or, when resuming, check them), recording the block layout. */
    public abstract void prepare(Configuration conf, int rowsPerBlock) throws IOException;

    /** Whether this output continues an interrupted run ({@code --resume} found its temporaries). */
    public boolean resuming() {
        return false;
    }

    /** The rows per block of the interrupted run being resumed, or 0. */
    public int resumedRowsPerBlock() {
        return 0;
    }

    /**
     * Executor: whether block {@code block} (rows [r0, r0 + rows)) is already in place from the interrupted
     * run: its journal entry exists and the checksum of the bytes now in the file matches it.
     */
    public boolean verify(Configuration conf, int block, long r0, int rows) throws IOException {
        return false;
    }

    /** Executor: records a written block (its checksum) so a resumed run can reuse it. */
    public void record(Configuration conf, int block, org.ejml.data.DMatrixRMaj data) throws IOException {
    }

    /** Executor: the sink for one block. */
    public abstract BlockSink sink(Configuration conf, int block) throws IOException;

    /** Driver: move the finished result to the destination. */
    public abstract void commit(Configuration conf, int blocks) throws IOException;

    /** Driver: remove every temporary; never throws. */
    public abstract void abort(Configuration conf);

    /** Driver: remove a committed result again (when a sibling output of the same job failed to commit); never throws. */
    public void uncommit(Configuration conf) {
        try {
            Path p = new Path(destination());
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException e) {
            System.err.println("adjoint: warning: could not remove " + destination() + ": " + e.getMessage());
        }
    }

    /**
     * Validates the destination and chooses the layout: "local" for the local FileSystem unless
     * {@code forceParts}, else "parts".
     *
     * @throws InvalidInputException when the folder is missing, the destination is a folder, or it
     *     exists without {@code overwrite}
     */
    public static ResultOutput forDestination(String dest, long[] shape, boolean overwrite, boolean forceParts,
            Configuration conf) throws IOException {
        return forDestination(dest, shape, overwrite, forceParts, conf, UUID.randomUUID().toString(), false, "");
    }

    /**
     * Like {@link #forDestination(String, long[], boolean, boolean, Configuration)}, with resumable
     * temporaries: they are named by {@code fingerprint} (a hash of the job's inputs and arguments). Without
     * {@code resume}, leftovers of earlier runs for this destination are removed. With it, the leftovers of
     * a run with the same fingerprint are continued; leftovers of a run with other inputs or arguments are
     * refused with a message saying so.
     */
    public static ResultOutput forDestination(String dest, long[] shape, boolean overwrite, boolean forceParts,
            Configuration conf, String fingerprint, boolean resume, String description) throws IOException {
        Path q = checkDestination(dest, overwrite, conf);
        FileSystem fs = q.getFileSystem(conf);
        Path parent = q.getParent();
        String prefix = "." + q.getName() + ".adjoint-";
        String tmpName = prefix + fingerprint;
        boolean local = "file".equals(fs.getScheme()) && !forceParts;
        if (resume && !local) {
            throw new InvalidInputException("--resume: only results on a local file system (file://) can be resumed; "
                    + dest + " is on " + fs.getScheme() + "://");
        }
        List<FileStatus> leftovers = new ArrayList<>();
        for (FileStatus st : fs.listStatus(parent)) {
            if (st.getPath().getName().startsWith(prefix)) {
                leftovers.add(st);
            }
        }
        boolean found = resume && fs.exists(new Path(parent, tmpName + ".blocks"));
        if (resume && !found) {
            for (FileStatus st : leftovers) {
                if (st.getPath().getName().endsWith(".blocks")) {
                    throw new InvalidInputException("--resume: the interrupted run of " + dest + " had other inputs or"
                            + " arguments (" + Local.describe(new Path(st.getPath(), "manifest"), fs) + "; now: "
                            + description + "); run without --resume to start over");
                }
            }
        }
        for (FileStatus st : leftovers) {
            if (!(found && st.getPath().getName().startsWith(tmpName))) {
                fs.delete(st.getPath(), true);
            }
        }
        if (local) {
            Local out = new Local(q.toUri().getPath(), parent.toUri().getPath() + "/" + tmpName + ".tmp",
                    parent.toUri().getPath() + "/" + tmpName + ".blocks", shape, fingerprint, description);
            if (found) {
                out.loadManifest();
            }
            return out;
        }
        return new Parts(q.toString(), new Path(parent, tmpName + ".parts").toString(), shape);
    }

    /**
     * Checks that {@code dest} can be written: its folder exists, it is not a folder, and it does not
     * exist unless {@code overwrite}. Returns the qualified path.
     */
    public static Path checkDestination(String dest, boolean overwrite, Configuration conf) throws IOException {
        Path p = new Path(dest);
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        Path parent = q.getParent();
        if (parent == null || !fs.exists(parent)) {
            throw new InvalidInputException("--out " + dest + ": folder " + parent + " does not exist");
        }
        if (!fs.getFileStatus(parent).isDirectory()) {
            throw new InvalidInputException("--out " + dest + ": " + parent + " is not a folder");
        }
        if (fs.exists(q)) {
            if (fs.getFileStatus(q).isDirectory()) {
                throw new InvalidInputException("--out " + dest + ": is a folder; give a file name such as G.npy");
            }
            if (!overwrite) {
                throw new InvalidInputException("--out " + dest + ": already exists (pass --overwrite to replace it)");
            }
        }
        return q;
    }

    /** The final path of the result. */
    public abstract String destination();


    static final class Local extends ResultOutput {
        private static final long serialVersionUID = 1L;
        private final String dest;
        private final String tmp;
        private final String journal;
        private final long[] shape;
        private final long dataOffset;
        private final long cols;
        private final String fingerprint;
        private final String description;
        private boolean resuming;
        private int resumedRows;

        Local(String dest, String tmp, String journal, long[] shape, String fingerprint, String description) {
            this.dest = dest;
            this.tmp = tmp;
            this.journal = journal;
            this.shape = shape.clone();
            this.dataOffset = NpyWriter.header(shape).length;
            this.cols = shape[2] * shape[3];
            this.fingerprint = fingerprint;
            this.description = description;
        }

        static String describe(Path manifest, FileSystem fs) {
            try (java.io.InputStream in = fs.open(manifest)) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("description=")) {
                        return line.substring("description=".length());
                    }
                }
            } catch (IOException e) {
                return "unreadable manifest";
            }
            return "no description";
        }

        void loadManifest() throws IOException {
            java.nio.file.Path m = Paths.get(journal, "manifest");
            if (!Files.exists(m) || !Files.exists(Paths.get(tmp)) || Files.size(Paths.get(tmp)) != NpyWriter.fileSize(shape)) {
                return; // nothing usable: start over
            }
            for (String line : Files.readAllLines(m)) {
                if (line.startsWith("rowsPerBlock=")) {
                    resumedRows = Integer.parseInt(line.substring("rowsPerBlock=".length()));
                }
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
        public String mode() {
            return "local";
        }

        @Override
        public String destination() {
            return dest;
        }


        @Override
        public void prepare(Configuration conf, int rowsPerBlock) throws IOException {
            if (resuming) {
                return;
            }
            Files.deleteIfExists(Paths.get(tmp));
            deleteTree(Paths.get(journal));
            Files.createDirectories(Paths.get(journal));
            Files.writeString(Paths.get(journal, "manifest"), "fingerprint=" + fingerprint + "\nrowsPerBlock=" + rowsPerBlock
                    + "\ndescription=" + description + "\n");
            byte[] header = NpyWriter.header(shape);
            long size = NpyWriter.fileSize(shape);
            try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(header), 0);
                if (size > header.length) {
                    // a sparse file of the full size: tasks fill their ranges
                    ch.write(ByteBuffer.allocate(1), size - 1);
                }
            }
        }

        @Override
        public BlockSink sink(Configuration conf, int block) {
            return new PositionalFileSink(Paths.get(tmp), dataOffset, cols);
        }

        static long crc(double[] data, int n) {
            CRC32C c = new CRC32C();
            ByteBuffer bb = ByteBuffer.allocate(Math.min(n, 1 << 16) * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < n;) {
                int k = Math.min(n - done, 1 << 16);
                bb.clear();
                bb.asDoubleBuffer().put(data, done, k);
                bb.limit(k * 8);
                c.update(bb);
                done += k;
            }
            return c.getValue();
        }

        @Override
        public void record(Configuration conf, int block, org.ejml.data.DMatrixRMaj data) throws IOException {
            java.nio.file.Path j = Paths.get(journal);
            if (!Files.isDirectory(j)) {
                return; // an aborted job's straggler: nothing to record into
            }
            java.nio.file.Path t = j.resolve(".block-" + block + "-" + UUID.randomUUID());
            Files.writeString(t, Long.toHexString(crc(data.data, data.getNumElements())) + " " + data.numRows + "\n");
            Files.move(t, j.resolve(String.format(java.util.Locale.ROOT, "block-%08d", block)),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public boolean verify(Configuration conf, int block, long r0, int rows) throws IOException {
            java.nio.file.Path e = Paths.get(journal, String.format(java.util.Locale.ROOT, "block-%08d", block));
            if (!Files.exists(e)) {
                return false;
            }
            String[] f = Files.readString(e).trim().split(" ");
            if (f.length != 2 || Integer.parseInt(f[1]) != rows) {
                return false;
            }
            int n = Math.toIntExact(rows * cols);
            double[] d = new double[n];
            try (io.adjoint.core.npy.FileByteSource src = new io.adjoint.core.npy.FileByteSource(Paths.get(tmp))) {
                byte[] buf = new byte[n * 8];
                src.readFully(dataOffset + r0 * cols * 8, buf, 0, buf.length);
                ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
            }
            return Long.toHexString(crc(d, n)).equals(f[0]);
        }

        @Override
        public void commit(Configuration conf, int blocks) throws IOException {
            java.nio.file.Path t = Paths.get(tmp);
            long want = NpyWriter.fileSize(shape);
            if (Files.size(t) != want) {
                throw new IOException("temporary result " + tmp + " has " + Files.size(t) + " bytes, expected " + want);
            }
            Files.move(t, Paths.get(dest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            deleteTree(Paths.get(journal));
        }

        static void deleteTree(java.nio.file.Path p) throws IOException {
            if (!Files.exists(p)) {
                return;
            }
            try (java.util.stream.Stream<java.nio.file.Path> s = Files.walk(p)) {
                for (java.nio.file.Path x : (Iterable<java.nio.file.Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(x);
                }
            }
        }

        @Override
        public void abort(Configuration conf) {
            try {
                Files.deleteIfExists(Paths.get(tmp));
                deleteTree(Paths.get(journal));
            } catch (IOException e) {
                System.err.println("adjoint: warning: could not remove temporary " + tmp + ": " + e.getMessage());
            }
        }
    }

    static final class Parts extends ResultOutput {
        private static final long serialVersionUID = 1L;
        private final String dest;
        private final String dir;
        private final long[] shape;

        Parts(String dest, String dir, long[] shape) {
            this.dest = dest;
            this.dir = dir;
            this.shape = shape.clone();
        }

        @Override
        public String mode() {
            return "parts";
        }

        @Override
        public String destination() {
            return dest;
        }


        /** The FileSystem of {@code p}; for the local one its raw form, so no {@code .crc} side files appear. */
        static FileSystem fs(Path p, Configuration conf) throws IOException {
            FileSystem fs = p.getFileSystem(conf);
            if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem) {
                return ((org.apache.hadoop.fs.ChecksumFileSystem) fs).getRawFileSystem();
            }
            return fs;
        }

        static String partName(int block) {
            return String.format(java.util.Locale.ROOT, "part-%08d", block);
        }

        @Override
        public void prepare(Configuration conf, int rowsPerBlock) throws IOException {
            Path d = new Path(dir);
            if (!fs(d, conf).mkdirs(d)) {
                throw new IOException("could not create " + dir);
            }
        }

        @Override
        public BlockSink sink(Configuration conf, int block) {
            return (r0, data) -> {
                Path part = new Path(dir, partName(block));
                FileSystem fs = fs(part, conf);
                // non-recursive: a straggling task of an aborted job must not re-create the removed folder
                try (FSDataOutputStream out = fs.createNonRecursive(part, true, 1 << 16,
                        fs.getDefaultReplication(part), fs.getDefaultBlockSize(part), null)) {
                    NpyWriter.writeTo(out, data.data, 0, data.getNumElements());
                }
            };
        }

        @Override
        public void commit(Configuration conf, int blocks) throws IOException {
            Path d = new Path(dir);
            FileSystem fs = fs(d, conf);
            Path assembled = new Path(d, "assembled.npy");
            byte[] buf = new byte[8 << 20];
            try (OutputStream out = fs.create(assembled, true)) {
                out.write(NpyWriter.header(shape));
                for (int b = 0; b < blocks; b++) {
                    try (InputStream in = fs.open(new Path(d, partName(b)))) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            out.write(buf, 0, n);
                        }
                    }
                }
            }
            FileStatus st = fs.getFileStatus(assembled);
            long want = NpyWriter.fileSize(shape);
            if (st.getLen() != want) {
                throw new IOException("assembled result has " + st.getLen() + " bytes, expected " + want);
            }
            Path target = new Path(dest);
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(assembled, target)) {
                throw new IOException("could not rename " + assembled + " to " + dest);
            }
            fs.delete(d, true);
        }

        @Override
        public void abort(Configuration conf) {
            try {
                Path d = new Path(dir);
                fs(d, conf).delete(d, true);
            } catch (IOException e) {
                System.err.println("adjoint: warning: could not remove temporary " + dir + ": " + e.getMessage());
            }
        }
    }
}
