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
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
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

    /** Driver: create the temporaries. */
    public abstract void prepare(Configuration conf) throws IOException;

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
        Path q = checkDestination(dest, overwrite, conf);
        FileSystem fs = q.getFileSystem(conf);
        Path parent = q.getParent();
        String tmpName = "." + q.getName() + ".adjoint-" + UUID.randomUUID();
        if ("file".equals(fs.getScheme()) && !forceParts) {
            return new Local(q.toUri().getPath(), parent.toUri().getPath() + "/" + tmpName + ".tmp", shape);
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

    /** The destination of a local result, for tests. */
    public abstract String destination();

    /** The temporary path (file or folder), for tests. */
    public abstract String temporary();

    static final class Local extends ResultOutput {
        private static final long serialVersionUID = 1L;
        private final String dest;
        private final String tmp;
        private final long[] shape;
        private final long dataOffset;
        private final long cols;

        Local(String dest, String tmp, long[] shape) {
            this.dest = dest;
            this.tmp = tmp;
            this.shape = shape.clone();
            this.dataOffset = NpyWriter.header(shape).length;
            this.cols = shape[2] * shape[3];
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
        public String temporary() {
            return tmp;
        }

        @Override
        public void prepare(Configuration conf) throws IOException {
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

        @Override
        public void commit(Configuration conf, int blocks) throws IOException {
            java.nio.file.Path t = Paths.get(tmp);
            long want = NpyWriter.fileSize(shape);
            if (Files.size(t) != want) {
                throw new IOException("temporary result " + tmp + " has " + Files.size(t) + " bytes, expected " + want);
            }
            Files.move(t, Paths.get(dest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void abort(Configuration conf) {
            try {
                Files.deleteIfExists(Paths.get(tmp));
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

        @Override
        public String temporary() {
            return dir;
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
        public void prepare(Configuration conf) throws IOException {
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
