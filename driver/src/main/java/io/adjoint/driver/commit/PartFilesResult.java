package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The part-file layout, for file systems without random writes (HDFS, S3A): {@link #setupJob} creates the
 * temporary folder {@code .NAME.npy.adjoint-<id>.parts/}; each task writes its block as {@code part-%08d};
 * {@link #commitJob} streams the header and the parts, in order, into one file in that folder (one sequential
 * pass on the driver, 8 MiB at a time, never the whole result in memory), checks its size and renames it to the
 * destination. {@link #abortJob} deletes the folder. Not resumable.
 */
public final class PartFilesResult extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    private final String dest;
    private final String dir;
    private final long[] shape;

    PartFilesResult(String dest, String dir, long[] shape) {
        this.dest = dest;
        this.dir = dir;
        this.shape = shape.clone();
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

    static String partName(int block) {
        return String.format(Locale.ROOT, "part-%08d", block);
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
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
            try (FSDataOutputStream out = fs.createNonRecursive(
                    part, true, 1 << 16, fs.getDefaultReplication(part), fs.getDefaultBlockSize(part), null)) {
                NpyWriter.writeTo(out, data.data, 0, data.getNumElements());
            }
        };
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
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
