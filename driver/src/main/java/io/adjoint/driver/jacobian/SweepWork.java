package io.adjoint.driver.jacobian;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.core.sparsity.StarBlock;
import io.adjoint.driver.block.BlockWork;
import org.ejml.data.DMatrixRMaj;

/**
 * What every {@code jacobian} task needs, broadcast once (Java-serialized inside Kryo: the tape may hold user
 * ops' local Jacobians): the tape, the requested inputs' node ids, and the outputs. A block is one reverse sweep of
 * executor-core over the tape for rows [r0, r1); no forward work happens on executors.
 */
public final class SweepWork extends BlockWork {
    private static final long serialVersionUID = 1L;
    private final Tape tape;
    /** Graph node of each requested input, −1 when the expression does not use it (zeros). */
    private final int[] wrtNodes;

    private final int[] wrtSizes;
    /** Per requested input, the row colouring its rows are seeded by, or null for one seed per row. */
    private final RowColouring[] colourings;
    /** Per requested input, its symmetric block read from star-coloured sweeps made before the tasks, or null. */
    private final StarBlock[] stars;
    /** Per requested input, the pattern whose entries a CSR result stores, or null for a dense result. */
    private final SparsityPattern[] csr;

    SweepWork(
            Tape tape,
            int[] wrtNodes,
            int[] wrtSizes,
            RowColouring[] colourings,
            StarBlock[] stars,
            SparsityPattern[] csr,
            Frame frame) {
        super(frame);
        this.stars = stars;
        this.tape = tape;
        this.wrtNodes = wrtNodes;
        this.wrtSizes = wrtSizes;
        this.colourings = colourings;
        this.csr = csr;
    }

    @Override
    public Computation open() {
        return this::sweep;
    }

    /**
     * The blocks of rows [r0, r1) for every requested input: rows of ∂out/∂X, (r1 − r0) × size(X) — or, for a CSR
     * result, the values at the pattern's entries of those rows in row order (1 × entries). Inputs seeded row by
     * row share one sweep; each compressed input gets its own sweep over the block's colours; a symmetric block is
     * read from its star-coloured sweeps, with no sweep here.
     */
    DMatrixRMaj[] sweep(long r0, long r1) {
        int b = (int) (r1 - r0);
        int[] ids = java.util.stream.IntStream.range(0, wrtNodes.length)
                .filter(i -> wrtNodes[i] >= 0 && colourings[i] == null && stars[i] == null)
                .map(i -> wrtNodes[i])
                .toArray();
        DMatrixRMaj[] got = ids.length == 0 ? new DMatrixRMaj[0] : ReverseSweep.sweep(tape, ids, r0, r1);
        DMatrixRMaj[] out = new DMatrixRMaj[wrtNodes.length];
        int k = 0;
        for (int i = 0; i < wrtNodes.length; i++) {
            if (csr[i] != null) {
                boolean rowByRow = wrtNodes[i] >= 0 && colourings[i] == null && stars[i] == null;
                out[i] = gather(csr[i], r0, r1, rowByRow ? got[k++] : null, i);
            } else if (wrtNodes[i] < 0) {
                out[i] = new DMatrixRMaj(b, wrtSizes[i]);
            } else if (stars[i] != null) {
                out[i] = new DMatrixRMaj(b, wrtSizes[i]);
                stars[i].expandInto(r0, r1, out[i]);
            } else if (colourings[i] == null) {
                out[i] = got[k++];
            } else {
                out[i] = new DMatrixRMaj(b, wrtSizes[i]);
                CompressedSweep.sweep(tape, wrtNodes[i], colourings[i], r0, r1)
                        .expandInto(out[i], colourings[i].pattern().scratch());
            }
        }
        return out;
    }

    /**
     * The values of rows [r0, r1) at the entries of {@code p}, in row order: read from the dense rows when the
     * input was swept row by row, else from this block's compressed sweep (zeros for an input not used).
     */
    private DMatrixRMaj gather(SparsityPattern p, long r0, long r1, DMatrixRMaj dense, int i) {
        SparsityPattern.Scratch s = p.scratch();
        CompressedSweep.Block blk = dense == null && wrtNodes[i] >= 0 && stars[i] == null
                ? CompressedSweep.sweep(tape, wrtNodes[i], colourings[i], r0, r1)
                : null;
        int[][] cols = new int[(int) (r1 - r0)][];
        int n = 0;
        for (int b = 0; b < cols.length; b++) {
            cols[b] = p.columns(r0 + b, s);
            n += cols[b].length;
        }
        DMatrixRMaj v = new DMatrixRMaj(1, n);
        int k = 0;
        if (stars[i] != null) {
            int[] count = new int[stars[i].colouring().colours()];
            for (int b = 0; b < cols.length; b++) {
                stars[i].colouring().row(stars[i].compressed(), (int) (r0 + b), cols[b], v.data, k, count);
                k += cols[b].length;
            }
            return v;
        }
        for (int b = 0; b < cols.length; b++) {
            for (int c : cols[b]) {
                v.data[k++] = blk != null ? blk.value(b, c) : dense != null ? dense.data[b * dense.numCols + c] : 0;
            }
        }
        return v;
    }
}
