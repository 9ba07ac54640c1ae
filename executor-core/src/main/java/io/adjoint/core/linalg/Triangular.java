package io.adjoint.core.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Solves with the lower triangle of a square matrix (the strict upper triangle is never read): L·X = B by forward
 * substitution, Lᵀ·X = B by back substitution, O(n²) per right-hand side, row-major throughout.
 */
public final class Triangular {
    private Triangular() {}

    /** X = L⁻¹B (B n×m); {@code x} n×m is overwritten and may be {@code b}. */
    public static void solveLower(DMatrixRMaj l, DMatrixRMaj b, DMatrixRMaj x) {
        int n = l.numRows;
        int m = b.numCols;
        if (x != b) {
            System.arraycopy(b.data, 0, x.data, 0, n * m);
        }
        double[] xd = x.data;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                double lik = l.data[i * n + k];
                if (lik != 0) {
                    for (int j = 0; j < m; j++) {
                        xd[i * m + j] -= lik * xd[k * m + j];
                    }
                }
            }
            double d = l.data[i * n + i];
            for (int j = 0; j < m; j++) {
                xd[i * m + j] /= d;
            }
        }
    }

    /** X = L⁻ᵀB (B n×m); {@code x} n×m is overwritten and may be {@code b}. */
    public static void solveLowerTransposed(DMatrixRMaj l, DMatrixRMaj b, DMatrixRMaj x) {
        int n = l.numRows;
        int m = b.numCols;
        if (x != b) {
            System.arraycopy(b.data, 0, x.data, 0, n * m);
        }
        double[] xd = x.data;
        for (int i = n - 1; i >= 0; i--) {
            for (int k = i + 1; k < n; k++) {
                double lki = l.data[k * n + i];
                if (lki != 0) {
                    for (int j = 0; j < m; j++) {
                        xd[i * m + j] -= lki * xd[k * m + j];
                    }
                }
            }
            double d = l.data[i * n + i];
            for (int j = 0; j < m; j++) {
                xd[i * m + j] /= d;
            }
        }
    }

    /**
     * The smallest and largest |L_ii|: their ratio bounds the condition number from below (κ(L) ≥ max/min), so a
     * ratio above 1/(n·ε) means L is singular to working precision.
     */
    public static double diagonalRatio(DMatrixRMaj l) {
        int n = l.numRows;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.abs(l.data[i * n + i]);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return n == 0 ? 1 : min == 0 ? Double.POSITIVE_INFINITY : max / min;
    }
}
