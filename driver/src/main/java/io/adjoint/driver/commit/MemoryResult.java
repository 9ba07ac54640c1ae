package io.adjoint.driver.commit;

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
final class MemoryResult extends InMemoryOutput {
    private static final long serialVersionUID = 1L;
    private final long[] shape;
    private final long cols;

    MemoryResult(String dest, String tmp, long[] shape) {
        super(dest, tmp, NpyWriter.fileSize(shape));
        this.shape = shape.clone();
        this.cols = shape[shape.length - 2] * shape[shape.length - 1];
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
            throw notInThisJvm();
        }
        DoubleBuffer values = b.position(NpyWriter.header(shape).length)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer();
        return (r0, data) -> values.put(Math.toIntExact(r0 * cols), data.data, 0, Math.toIntExact(data.numRows * cols));
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        commit(MemoryFileSystem.buffer(tmp), null);
    }
}
