package io.adjoint.core.sparsity;

import io.adjoint.core.graph.BatchedDifferences;
import io.adjoint.core.graph.Differencing;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.SparsityPattern;
import org.ejml.data.DMatrixRMaj;

/**
 * Central-difference columns of ∂out/∂x by Curtis–Powell–Reid compression: the input entries of one colour of the
 * column colouring (a {@link RowColouring} of {@link SparsityPattern#transposedMatrix}) affect disjoint output entries, so
 * they are perturbed together — one pair of forward passes per colour instead of per entry — and column c is read
 * back as the group's difference at the rows of c's pattern (zero elsewhere). For the MLP d/dX: n groups instead of
 * n² columns.
 */
public final class CompressedDifferences {
    private CompressedDifferences() {}

    /**
     * The compressed differences of columns [c0, c1): {@code values} (p·q × groups) holds one central difference per
     * colour present, and {@code slotOf[c − c0]} says which column of it holds column c (−1: an empty column).
     */
    public static final class Groups {
        private final DMatrixRMaj values;
        private final int[] slotOf;

        Groups(DMatrixRMaj values, int[] slotOf) {
            this.values = values;
            this.slotOf = slotOf;
        }

        /** p·q × groups: one central difference per colour present. */
        public DMatrixRMaj values() {
            return values;
        }

        /** The group holding column c0 + i, or −1 (do not modify). */
        public int[] slotOf() {
            return slotOf;
        }
    }

    /** One perturbation per colour present among columns [c0, c1); {@code byColumn} colours J's columns. */
    public static Groups groups(Differencing at, RowColouring byColumn, long c0, long c1) {
        int[] slotOf = new int[(int) (c1 - c0)];
        int[] size = new int[byColumn.slots(c0, c1, slotOf)];
        for (int s : slotOf) {
            if (s >= 0) {
                size[s]++;
            }
        }
        int[][] g2 = new int[size.length][];
        for (int s = 0; s < size.length; s++) {
            g2[s] = new int[size[s]];
            size[s] = 0;
        }
        for (int c = 0; c < slotOf.length; c++) {
            if (slotOf[c] >= 0) {
                g2[slotOf[c]][size[slotOf[c]]++] = (int) (c0 + c);
            }
        }
        DMatrixRMaj d = g2.length == 0
                ? new DMatrixRMaj(at.graph().outputShape().size(), 0)
                : BatchedDifferences.groups(at, g2);
        return new Groups(d, slotOf);
    }

    /**
     * Columns [c0, c1) of the central-difference Jacobian, (p·q) × (c1 − c0), from one perturbation per colour
     * present, decompressed at the pattern's entries (zeros elsewhere).
     */
    public static DMatrixRMaj columns(Differencing at, RowColouring byColumn, long c0, long c1) {
        Graph g = at.graph();
        Groups gr = groups(at, byColumn, c0, c1);
        DMatrixRMaj d = gr.values();
        int outSize = g.outputShape().size();
        DMatrixRMaj out = new DMatrixRMaj(outSize, (int) (c1 - c0));
        SparsityPattern t = byColumn.pattern();
        SparsityPattern.Scratch scratch = t.scratch();
        int w = out.numCols;
        for (int c = 0; c < w; c++) {
            int s = gr.slotOf()[c];
            if (s < 0) {
                continue;
            }
            for (int r : t.columns(c0 + c, scratch)) {
                out.data[r * w + c] = d.data[r * d.numCols + s];
            }
        }
        return out;
    }
}
