package io.adjoint.core.graph;

import org.ejml.data.DMatrixRMaj;

/**
 * An adjoint block with one non-zero per row: row b is val[b]·e_{col[b]} (B × size). The sweep's seed —
 * rows [r0, r1) of the identity — is one, and elementwise ops, broadcasting and transposes keep it one, so
 * the first steps of a sweep cost O(B) instead of O(B·size); the first op that mixes entries (a matmul, a
 * reduction) turns it into a dense block by reading B rows of its local Jacobian.
 */
public final class Selection {
    public final int[] col;
    public final double[] val;
    public final int size;

    public Selection(int[] col, double[] val, int size) {
        if (col.length != val.length) {
            throw new IllegalArgumentException(col.length + " columns, " + val.length + " values");
        }
        this.col = col;
        this.val = val;
        this.size = size;
    }

    /** Rows [r0, r0 + b) of the size × size identity. */
    public static Selection identityRows(long r0, int b, int size) {
        int[] c = new int[b];
        double[] v = new double[b];
        for (int i = 0; i < b; i++) {
            c[i] = (int) (r0 + i);
            v[i] = 1.0;
        }
        return new Selection(c, v, size);
    }

    public int rows() {
        return col.length;
    }

    /** Adds this block into {@code out} (B × size): out[b, col[b]] += val[b]. */
    public void addTo(DMatrixRMaj out) {
        for (int b = 0; b < col.length; b++) {
            out.data[b * size + col[b]] += val[b];
        }
    }

    /** The dense B × size block. */
    public DMatrixRMaj toDense() {
        DMatrixRMaj d = new DMatrixRMaj(col.length, size);
        addTo(d);
        return d;
    }
}
