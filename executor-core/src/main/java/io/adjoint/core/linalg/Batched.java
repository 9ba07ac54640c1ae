package io.adjoint.core.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Products applied to every row of an adjoint block at once, as one large GEMM each.
 *
 * <p>An adjoint block V̄ is B × (n·m): row b is an n×m matrix V̄_b flattened row-major. Its storage is also
 * the (B·n) × m matrix whose rows are the rows of V̄_0, V̄_1, …, so a right product V̄_b·M for every b is a
 * single GEMM on that view. A left product M·V̄_b needs the n × (B·m) arrangement [V̄_0 V̄_1 …]: one
 * permuting copy in, one GEMM, one permuting copy out (copies are O(B·n·m), the GEMM O(B·k·n·m)).
 */
public final class Batched {
    private Batched() {}

    /**
     * Ū_b += α · V̄_b · M for every b. Shapes: V̄ B×(n·m), M m×k, Ū B×(n·k) (modified).
     */
    public static void rightMultiplyAdd(
            DMatrixRMaj vbar, int n, int m, DMatrixRMaj mat, double alpha, DMatrixRMaj ubar) {
        int b = vbar.numRows;
        int k = mat.numCols;
        check(vbar, b, n * m, "V̄");
        check(ubar, b, n * k, "Ū");
        if (mat.numRows != m) {
            throw new IllegalArgumentException("M is " + mat.numRows + "×" + k + ", V̄_b is " + n + "×" + m);
        }
        DMatrixRMaj v = DMatrixRMaj.wrap(b * n, m, vbar.data);
        DMatrixRMaj u = DMatrixRMaj.wrap(b * n, k, ubar.data);
        Gemm.mult(alpha, v, mat, 1.0, u);
    }

    /**
     * From this many columns per block on, {@link #leftMultiplyAdd} runs one GEMM per block instead of one for all.
     * With native BLAS a GEMM call costs little beyond its flops, and one per block (no permuting copies, no
     * accumulating loop) was as fast from m = 32 and 1.1–2× faster from m = 48 for n = 16…256, B = 256 (slower only
     * below m = 16); the Java fallback's small GEMMs are slow, so there it takes m ≥ 256 (measured on this machine).
     */
    static final int PER_BLOCK_MIN_COLS = Gemm.isNative() ? 32 : 256;

    /**
     * Ū_b += α · M · V̄_b for every b. Shapes: V̄ B×(n·m), M k×n, Ū B×(k·m) (modified). Narrow blocks (m below
     * {@link #PER_BLOCK_MIN_COLS}) are laid side by side for one GEMM (two permuting copies); wide ones get a GEMM
     * each, in place.
     */
    public static void leftMultiplyAdd(
            DMatrixRMaj mat, DMatrixRMaj vbar, int n, int m, double alpha, DMatrixRMaj ubar) {
        int b = vbar.numRows;
        int k = mat.numRows;
        check(vbar, b, n * m, "V̄");
        check(ubar, b, k * m, "Ū");
        if (mat.numCols != n) {
            throw new IllegalArgumentException("M is " + k + "×" + mat.numCols + ", V̄_b is " + n + "×" + m);
        }
        if (m >= PER_BLOCK_MIN_COLS) {
            // wide blocks: one GEMM per block, in place (the permuting copies below would cost a pass over
            // memory each way for GEMMs that are already large)
            for (int r = 0; r < b; r++) {
                Gemm.multAddBlock(alpha, mat, vbar.data, r * n * m, m, ubar.data, r * k * m);
            }
            return;
        }
        int bm = b * m;
        DMatrixRMaj z = Scratch.zeros(n, bm);
        double[] vd = vbar.data;
        double[] zd = z.data;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(vd, r * n * m + i * m, zd, i * bm + r * m, m);
            }
        }
        DMatrixRMaj w = Scratch.zeros(k, bm);
        Gemm.mult(1.0, mat, z, 0.0, w);
        double[] wd = w.data;
        double[] ud = ubar.data;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < k; i++) {
                int uo = r * k * m + i * m;
                int wo = i * bm + r * m;
                for (int j = 0; j < m; j++) {
                    ud[uo + j] += alpha * wd[wo + j];
                }
            }
        }
        Scratch.release(z);
        Scratch.release(w);
    }

    private static void check(DMatrixRMaj x, int rows, int cols, String what) {
        if (x.numRows != rows || x.numCols != cols) {
            throw new IllegalArgumentException(
                    what + " is " + x.numRows + "×" + x.numCols + ", expected " + rows + "×" + cols);
        }
    }

    /** Row-major Kronecker product A ⊗ B: (A⊗B)[i·p + r, j·q + s] = A[i,j]·B[r,s] for B p×q. */
    public static DMatrixRMaj kron(DMatrixRMaj a, DMatrixRMaj bm) {
        int p = bm.numRows;
        int q = bm.numCols;
        DMatrixRMaj out = new DMatrixRMaj(a.numRows * p, a.numCols * q);
        for (int i = 0; i < a.numRows; i++) {
            for (int j = 0; j < a.numCols; j++) {
                double aij = a.get(i, j);
                for (int r = 0; r < p; r++) {
                    for (int s = 0; s < q; s++) {
                        out.set(i * p + r, j * q + s, aij * bm.get(r, s));
                    }
                }
            }
        }
        return out;
    }
}
