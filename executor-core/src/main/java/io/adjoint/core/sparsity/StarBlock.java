package io.adjoint.core.sparsity;

import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;

/**
 * A symmetric block ready to read: its star colouring and B = Sᵀ H (colours × n), one reverse sweep of the
 * gradient per colour. Rows are read back without further sweeps ({@link StarColouring#row}), O(entries + neighbours)
 * a row.
 */
public record StarBlock(StarColouring colouring, DMatrixRMaj compressed) implements Serializable {
    /** Rows [r0, r1) of H as dense rows of {@code out} (overwritten): every neighbour and the diagonal placed. */
    public void expandInto(long r0, long r1, DMatrixRMaj out) {
        int n = colouring.size();
        java.util.Arrays.fill(out.data, 0, (int) (r1 - r0) * n, 0.0);
        int[] count = new int[colouring.colours()];
        for (long r = r0; r < r1; r++) {
            int row = (int) r;
            if (colouring.colour(row) < 0) {
                continue;
            }
            int[] nb = colouring.neighbours(row);
            int[] cols = java.util.Arrays.copyOf(nb, nb.length + 1);
            cols[nb.length] = row;
            double[] v = new double[cols.length];
            colouring.row(compressed, row, cols, v, 0, count);
            int base = (int) (r - r0) * n;
            for (int t = 0; t < cols.length; t++) {
                out.data[base + cols[t]] = v[t];
            }
        }
    }
}
