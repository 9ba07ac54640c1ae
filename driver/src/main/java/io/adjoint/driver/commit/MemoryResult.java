package io.adjoint.driver.commit;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.apache.hadoop.conf.Configuration;

/**
 * A dense result in this JVM's memory ({@link MemoryFileSystem}): {@link #setupJob} allocates one direct buffer, the
 * whole {@code .npy} (header, then the values in C order) under a temporary name; each task writes its rows into
 * their range of it; {@link #commitJob} renames the temporary to the destination. The caller (the Python API) wraps
 * the values as a NumPy array without a copy. Tasks must run in this JVM (driver threads, or a local master's
 * executors); a result over 2 GiB cannot be one buffer and is refused before the job starts.
 */
final class MemoryResult extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    private final String dest;
    private final String tmp;
    private final long[] shape;
    private final long cols;

    MemoryResult(String dest, String tmp, long[] shape) {
        this.dest = dest;
        this.tmp = tmp;
        this.shape = shape.clone();
        this.cols = shape[shape.length - 2] * shape[shape.length - 1];
        checkSize(dest, NpyWriter.fileSize(shape));
    }

    /** Refuses a result one buffer cannot hold (2 GiB), saying what to do instead. */
    static void checkSize(String dest, long bytes) {
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new InvalidInputException(String.format(
                    java.util.Locale.ROOT,
                    "the result %s takes %.1f GiB, more than one in-memory array may (2 GiB): write it to a folder"
                            + " instead (out=...), or ask for format=\"csr\"",
                    dest.substring(dest.lastIndexOf('/') + 1),
                    bytes / (double) (1L << 30)));
        }
    }

    @Override
    public Layout layout() {
        return Layout.IN_PLACE;
    }

    @Override
    public String destination() {
        return dest;
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        byte[] header = NpyWriter.header(shape);
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(NpyWriter.fileSize(shape)));
        b.put(header).clear();
        MemoryFileSystem.putResult(tmp, b, null);
    }

    @Override
    public BlockSink sink(Configuration conf, int block) throws IOException {
        ByteBuffer b = MemoryFileSystem.buffer(tmp);
        if (b == null) {
            throw new IOException(tmp + " is not in this JVM: in-memory results need a local master");
        }
        DoubleBuffer values = b.position(NpyWriter.header(shape).length)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer();
        return (r0, data) -> values.put(Math.toIntExact(r0 * cols), data.data, 0, Math.toIntExact(data.numRows * cols));
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        MemoryFileSystem.putResult(dest, MemoryFileSystem.buffer(tmp), null);
        MemoryFileSystem.deleteTree(tmp);
    }

    @Override
    public void abortJob(Configuration conf) {
        MemoryFileSystem.deleteTree(tmp);
    }
}
