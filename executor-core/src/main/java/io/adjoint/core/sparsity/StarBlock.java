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
            colouring.rowDense(compressed, (int) r, out.data, (int) (r - r0) * n, count);
        }
    }
}
