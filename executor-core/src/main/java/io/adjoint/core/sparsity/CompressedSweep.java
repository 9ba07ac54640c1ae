package io.adjoint.core.sparsity;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Tape;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Rows [r0, r1) of ∂out/∂x by compressed reverse seeding: the block's rows are grouped by {@link RowColouring}
 * colour, one seed per colour present (the sum of its rows of the identity), one reverse sweep over those S seeds
 * instead of r1 − r0, and row ρ of colour c is read back as compressed row c at ρ's pattern columns (every other
 * row of c is zero there, by structural orthogonality). Cost: one sweep of S rows plus O(non-zeros of the block)
 * reads; S = 1 per block for a diagonal Jacobian, ⌈B/q⌉ for the MLP d/dX.
 */
public final class CompressedSweep {
    private CompressedSweep() {}

    /** A swept block: compressed rows and, per row of the block, which of them holds it (−1: a zero row). */
    public static final class Block {
        public final long r0;
        public final int rows;
        private final int[] slotOfRow;
        /** S × size(x): row s is the sum of the Jacobian rows of the block's s-th colour. */
        public final DMatrixRMaj compressed;

        private final SparsityPattern pattern;

        Block(long r0, int[] slotOfRow, DMatrixRMaj compressed, SparsityPattern pattern) {
            this.r0 = r0;
            this.rows = slotOfRow.length;
            this.slotOfRow = slotOfRow;
            this.compressed = compressed;
            this.pattern = pattern;
        }

        /** J[r0 + b, col] for a column of row b's pattern. */
        public double value(int b, int col) {
            return compressed.data[slotOfRow[b] * compressed.numCols + col];
        }

        /** The dense rows: {@code out} (rows × size(x), overwritten) zeroed, then each row's non-zeros placed. */
        public void expandInto(DMatrixRMaj out, SparsityPattern.Scratch scratch) {
            int n = compressed.numCols;
            Arrays.fill(out.data, 0, rows * n, 0.0);
            for (int b = 0; b < rows; b++) {
                int s = slotOfRow[b];
                if (s < 0) {
                    continue;
                }
                int src = s * n;
                int dst = b * n;
                for (int c : pattern.columns(r0 + b, scratch)) {
                    out.data[dst + c] = compressed.data[src + c];
                }
            }
        }
    }

    /** The number of seeds (colours present) for rows [r0, r1): the block's sweep height. */
    public static int seeds(RowColouring colouring, long r0, long r1) {
        return colouring.slots(r0, r1, new int[(int) (r1 - r0)]);
    }

    /**
     * The live adjoints one sweep may hold: a block whose colours are many (every block holds every colour when the
     * colours do not follow the rows) sweeps its seeds in groups this size allows, so its memory is bounded by this
     * and its compressed rows, whatever the colours.
     */
    public static final long SWEEP_BYTES = 128L << 20;

    /** Seeds one sweep over {@code wrt} takes at once within {@link #SWEEP_BYTES}: at least 1. */
    public static int seedsPerSweep(io.adjoint.core.graph.Graph g, int wrt) {
        long cols = ReverseSweep.columnsPerSeed(g, new int[] {wrt});
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, SWEEP_BYTES / (8 * Math.max(1, cols))));
    }

    /**
     * Sweeps rows [r0, r1) of ∂out/∂x (x = graph node {@code wrt}) with one seed per colour present, at most
     * {@link #seedsPerSweep} seeds at a time.
     */
    public static Block sweep(Tape tape, int wrt, RowColouring colouring, long r0, long r1) {
        return sweep(tape, wrt, colouring, r0, r1, seedsPerSweep(tape.graph, wrt));
    }

    /** {@link #sweep(Tape, int, RowColouring, long, long)}, {@code group} seeds at a time. */
    public static Block sweep(Tape tape, int wrt, RowColouring colouring, long r0, long r1, int group) {
        int b = Math.toIntExact(r1 - r0);
        int[] slotOfRow = new int[b];
        int s = colouring.slots(r0, r1, slotOfRow);
        int pq = tape.graph.outputShape().size();
        int size = tape.graph.node(wrt).shape.size();
        if (s == 0) {
            return new Block(r0, slotOfRow, new DMatrixRMaj(0, size), colouring.pattern());
        }
        if (group >= s) {
            DMatrixRMaj seed = new DMatrixRMaj(s, pq);
            for (int row = 0; row < b; row++) {
                if (slotOfRow[row] >= 0) {
                    seed.data[slotOfRow[row] * pq + (int) (r0 + row)] = 1.0;
                }
            }
            return new Block(
                    r0, slotOfRow, ReverseSweep.sweepSeeded(tape, new int[] {wrt}, seed)[0], colouring.pattern());
        }
        DMatrixRMaj compressed = new DMatrixRMaj(s, size);
        for (int s0 = 0; s0 < s; s0 += group) {
            int s1 = Math.min(s, s0 + group);
            DMatrixRMaj seed = new DMatrixRMaj(s1 - s0, pq);
            for (int row = 0; row < b; row++) {
                int slot = slotOfRow[row];
                if (slot >= s0 && slot < s1) {
                    seed.data[(slot - s0) * pq + (int) (r0 + row)] = 1.0;
                }
            }
            DMatrixRMaj part = ReverseSweep.sweepSeeded(tape, new int[] {wrt}, seed)[0];
            System.arraycopy(part.data, 0, compressed.data, s0 * size, (s1 - s0) * size);
        }
        return new Block(r0, slotOfRow, compressed, colouring.pattern());
    }
}
