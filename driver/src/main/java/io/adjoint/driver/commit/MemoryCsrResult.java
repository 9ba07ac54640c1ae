package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.conf.Configuration;

/**
 * A CSR result in this JVM's memory: SciPy's three arrays — {@code indptr}, {@code indices} (int32, or int64 past
 * 2³¹ entries, as {@code .npz} results store them) and {@code data} — each one direct buffer, laid out from the
 * pattern before the job ({@link #planBlocks}) exactly as {@link CsrResult} lays out its file; tasks write their
 * entries' indices and values into their ranges; {@link #commitJob} fills indptr from the pattern (O(rows)) and puts
 * the arrays at the destination ({@link MemoryFileSystem#attachment}), for the caller to wrap as a
 * {@code scipy.sparse.csr_array} without a copy. Tasks must run in this JVM, as for {@link MemoryResult}.
 */
public final class MemoryCsrResult extends InMemoryOutput implements CsrOutput {
    private static final long serialVersionUID = 1L;
    private final CsrBlocks layout;

    /** The arrays of a finished result, and the matricized shape (p·q, k·l). */
    public record Arrays(
            ByteBuffer indptr, ByteBuffer indices, ByteBuffer data, int indexBytes, long rows, long cols) {}

    MemoryCsrResult(String dest, String tmp, SparsityPattern pattern) {
        super(dest, tmp, pattern.nnz() * 12L);
        this.layout = new CsrBlocks(pattern);
    }

    @Override
    public void planBlocks(RowBlocks b) {
        layout.plan(b);
    }

    private static ByteBuffer allocate(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        layout.requirePlanned(rowsPerBlock);
        int ib = layout.npz.indexBytes;
        Arrays a = new Arrays(
                allocate((layout.npz.rows + 1) * ib),
                allocate(layout.npz.nnz * ib),
                allocate(layout.npz.nnz * 8),
                ib,
                layout.npz.rows,
                layout.npz.cols);
        MemoryFileSystem.putResult(tmp, ByteBuffer.allocate(0), a);
    }

    private Arrays arrays() throws IOException {
        if (!(MemoryFileSystem.attachment(tmp) instanceof Arrays a)) {
            throw notInThisJvm();
        }
        return a;
    }

    @Override
    public BlockSink sink(Configuration conf, int block) throws IOException {
        Arrays a = arrays();
        return (r0, values) -> {
            layout.checkValues(block, values);
            int n = layout.nnz(block);
            int first = Math.toIntExact(layout.start(block));
            int[] ix = layout.indices(block);
            if (a.indexBytes() == 4) {
                a.indices()
                        .duplicate()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asIntBuffer()
                        .put(first, ix, 0, n);
            } else {
                java.nio.LongBuffer l =
                        a.indices().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
                for (int i = 0; i < n; i++) {
                    l.put(first + i, ix[i]);
                }
            }
            a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(first, values.data, 0, n);
        };
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        Arrays a = arrays();
        SparsityPattern p = layout.pattern;
        SparsityPattern.Scratch s = p.scratch();
        ByteBuffer ip = a.indptr().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long before = 0;
        for (long r = 0; r <= a.rows(); r++) {
            if (a.indexBytes() == 4) {
                ip.putInt((int) before);
            } else {
                ip.putLong(before);
            }
            if (r < a.rows()) {
                before += p.rowNnz(r, s);
            }
        }
        commit(ByteBuffer.allocate(0), a);
    }
}
