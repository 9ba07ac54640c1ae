package io.adjoint.driver.commit;

import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.npz.CsrNpz;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;

/**
 * The layout both CSR results share: the archive ({@link CsrNpz}) of a pattern's entries, and where each row block's
 * entries lie in it. The driver calls {@link #plan} with the final blocks before the broadcast: O(rows) for a
 * pattern of one term, O(non-zeros) otherwise.
 */
final class CsrBlocks implements Serializable {
    private static final long serialVersionUID = 1L;
    final SparsityPattern pattern;
    CsrNpz npz;
    RowBlocks blocks;
    private long[] blockStart;

    CsrBlocks(SparsityPattern pattern) {
        this.pattern = pattern;
    }

    void plan(RowBlocks b) {
        this.blocks = b;
        blockStart = new long[b.count() + 1];
        SparsityPattern.Scratch s = pattern.scratch();
        long n = 0;
        for (int k = 0; k < b.count(); k++) {
            blockStart[k] = n;
            for (long r = b.start(k); r < b.end(k); r++) {
                n += pattern.rowNnz(r, s);
            }
        }
        blockStart[b.count()] = n;
        npz = new CsrNpz(pattern.out.size(), pattern.x.size(), n);
    }

    /** Checks that {@link #plan} saw the final blocks. */
    void requirePlanned(int rowsPerBlock) {
        if (npz == null || blocks.rowsPerBlock() != rowsPerBlock) {
            throw new IllegalStateException("planBlocks must see the final blocks before setupJob");
        }
    }

    /** The entries before block b. */
    long start(int b) {
        return blockStart[b];
    }

    /** The stored entries of block b. */
    int nnz(int b) {
        return Math.toIntExact(blockStart[b + 1] - blockStart[b]);
    }

    /** Checks that a task produced one value per stored entry of block b. */
    void checkValues(int b, org.ejml.data.DMatrixRMaj values) {
        if (values.getNumElements() != nnz(b)) {
            throw new IllegalStateException(
                    "block " + b + " has " + values.getNumElements() + " values for " + nnz(b) + " entries");
        }
    }

    /** Rows of block b. */
    int rows(int b) {
        return (int) (blocks.end(b) - blocks.start(b));
    }

    /** The column indices of block b's entries, in row order. */
    int[] indices(int b) {
        int[] ix = new int[nnz(b)];
        SparsityPattern.Scratch s = pattern.scratch();
        int k = 0;
        for (long r = blocks.start(b); r < blocks.end(b); r++) {
            int[] c = pattern.columns(r, s);
            System.arraycopy(c, 0, ix, k, c.length);
            k += c.length;
        }
        return ix;
    }

    /** Writes indptr (from the pattern, rows in order) and the frame with the payload CRCs into {@code ch}. */
    void writeFrame(FileChannel ch, long indicesCrc, long dataCrc) throws IOException {
        SparsityPattern.Scratch s = pattern.scratch();
        long[] next = {0, 0}; // row, entries before it: rows are asked for in order
        long ipCrc = npz.writeIndptr(ch, r -> {
            while (next[0] < r) {
                next[1] += pattern.rowNnz(next[0]++, s);
            }
            return next[1];
        });
        npz.writeFrame(ch, ipCrc, indicesCrc, dataCrc);
    }
}
