package io.adjoint.core.linalg;

import dev.ludovic.netlib.blas.BLAS;
import org.ejml.data.DMatrixRMaj;

/**
 * Row-major matrix products through BLAS {@code dgemm} (netlib: native OpenBLAS when the system has
 * {@code libblas.so.3}, the Java Vector API or plain Java otherwise).
 *
 * <p>BLAS is column-major. A row-major M×K array is the same bytes as its K×M transpose in column-major,
 * so C = A·B (row-major) is computed as Cᵀ = Bᵀ·Aᵀ (column-major) without copying:
 * {@code dgemm("N", "N", N, M, K, α, B, N, A, K, β, C, N)}.
 */
public final class Gemm {
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private Gemm() {}

    /** The BLAS implementation in use, e.g. {@code JNIBLAS} or {@code VectorBLAS}. */
    public static String implementation() {
        return BLAS_INSTANCE.getClass().getSimpleName();
    }

    /** Whether BLAS is the system's native library (through JNI), not netlib's Java fallback. */
    public static boolean isNative() {
        return implementation().startsWith("JNI");
    }

    /**
     * C = α·A·B + β·C, row-major: C_ij = α Σ_k A_ik B_kj + β C_ij. C is modified; it must already be
     * M×N and must not share storage with A or B. Handles zero-size dimensions (K = 0 gives C = β·C).
     */
    public static void mult(double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c) {
        int m = a.numRows;
        int k = a.numCols;
        int n = b.numCols;
        if (b.numRows != k) {
            throw new IllegalArgumentException("A is " + m + "×" + k + ", B is " + b.numRows + "×" + n
                    + ": inner dimensions " + k + " and " + b.numRows + " differ");
        }
        if (c.numRows != m || c.numCols != n) {
            throw new IllegalArgumentException("C is " + c.numRows + "×" + c.numCols + ", A·B is " + m + "×" + n);
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("C must not be A or B");
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(beta, c);
            return;
        }
        BLAS_INSTANCE.dgemm("N", "N", n, m, k, alpha, b.data, n, a.data, k, beta, c.data, n);
    }

    /**
     * C_b += α·M·V_b for one block b stored inside larger arrays, row-major: M is k×n ({@code mat}), V_b the n×m
     * matrix at {@code v[vOff …]}, C_b the k×m matrix at {@code c[cOff …]}. One dgemm on the blocks in place — no
     * copies (column-major: C_bᵀ += α·V_bᵀ·Mᵀ).
     */
    public static void multAddBlock(double alpha, DMatrixRMaj mat, double[] v, int vOff, int m, double[] c, int cOff) {
        int k = mat.numRows;
        int n = mat.numCols;
        if (k == 0 || m == 0 || n == 0) {
            return;
        }
        BLAS_INSTANCE.dgemm("N", "N", m, k, n, alpha, v, vOff, m, mat.data, 0, n, 1.0, c, cOff, m);
    }

    /**
     * C += α·A[:, c0:c1]·B, row-major: A is m×K, its column panel m×(c1 − c0) used in place (leading dimension K, no
     * copy), B is (c1 − c0)×n, C is m×n (column-major: Cᵀ += α·Bᵀ·A_panelᵀ).
     */
    public static void multAddColumns(double alpha, DMatrixRMaj a, int c0, int c1, DMatrixRMaj b, DMatrixRMaj c) {
        int m = a.numRows;
        int w = c1 - c0;
        int n = b.numCols;
        if (c0 < 0 || c1 > a.numCols || w < 0 || b.numRows != w) {
            throw new IllegalArgumentException("columns [" + c0 + ", " + c1 + ") of a " + m + "×" + a.numCols
                    + " A against a " + b.numRows + "×" + n + " B");
        }
        if (c.numRows != m || c.numCols != n) {
            throw new IllegalArgumentException(
                    "C is " + c.numRows + "×" + c.numCols + ", the product is " + m + "×" + n);
        }
        if (m == 0 || n == 0 || w == 0) {
            return;
        }
        BLAS_INSTANCE.dgemm("N", "N", n, m, w, alpha, b.data, 0, n, a.data, c0, a.numCols, 1.0, c.data, 0, n);
    }

    private static void scale(double beta, DMatrixRMaj c) {
        int len = c.getNumElements();
        if (beta == 0.0) {
            java.util.Arrays.fill(c.data, 0, len, 0.0);
        } else {
            for (int i = 0; i < len; i++) {
                c.data[i] *= beta;
            }
        }
    }
}
