package io.adjoint.core.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;
import org.ejml.dense.row.linsol.lu.LinearSolverLu_DDRM;

/**
 * The LU factorization PA = LU of a square matrix (EJML, partial pivoting; O(n³) once), and what the linear-algebra
 * ops read from it: solves with many right-hand sides (O(n²) each), log|det| and the sign of det from U's diagonal
 * and P's parity (no overflow). A matrix that is singular to working precision is refused at {@link #of}: an exact
 * zero pivot, or a 1-norm condition number κ₁ = ‖A‖₁‖A⁻¹‖₁ above 1/(n·ε) — computed (one more O(n³)) only when U's
 * pivots span more than 13 orders of magnitude, so a well-conditioned matrix pays nothing for the check.
 */
public final class Lu {
    private final int n;
    private final LUDecompositionAlt_DDRM lu;
    private final LinearSolverLu_DDRM solver;

    private Lu(int n, LUDecompositionAlt_DDRM lu, LinearSolverLu_DDRM solver) {
        this.n = n;
        this.lu = lu;
        this.solver = solver;
    }

    /**
     * Factors the square {@code a} (not modified); {@link IllegalArgumentException} "matrix is singular (…)" with the
     * condition estimate when it is singular to working precision.
     */
    public static Lu of(DMatrixRMaj a) {
        int n = a.numRows;
        LUDecompositionAlt_DDRM d = new LUDecompositionAlt_DDRM();
        LinearSolverLu_DDRM solver = new LinearSolverLu_DDRM(d);
        if (!solver.setA(a.copy())) {
            throw new IllegalArgumentException("matrix is singular (no LU factorization)");
        }
        Lu f = new Lu(n, d, solver);
        DMatrixRMaj u = d.getLU();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.abs(u.data[i * n + i]);
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        if (min == 0 || !Double.isFinite(max)) {
            throw new IllegalArgumentException("matrix is singular (a zero pivot: condition number ∞)");
        }
        if (min < 1e-13 * max) {
            double kappa = f.conditionOne(a);
            if (!(kappa * n * Math.ulp(1.0) < 1)) {
                throw new IllegalArgumentException(String.format(
                        java.util.Locale.ROOT,
                        "matrix is singular to working precision (1-norm condition number %.2g > 1/(n·ε) = %.2g)",
                        kappa,
                        1 / (n * Math.ulp(1.0))));
            }
        }
        return f;
    }

    /** κ₁(A) = ‖A‖₁ · ‖A⁻¹‖₁ (A⁻¹ by n solves). */
    private double conditionOne(DMatrixRMaj a) {
        DMatrixRMaj inv = new DMatrixRMaj(n, n);
        solve(CommonOps_DDRM.identity(n), inv);
        return normOne(a) * normOne(inv);
    }

    /** ‖M‖₁: the largest column sum of absolute values. */
    private static double normOne(DMatrixRMaj m) {
        double best = 0;
        for (int j = 0; j < m.numCols; j++) {
            double s = 0;
            for (int i = 0; i < m.numRows; i++) {
                s += Math.abs(m.data[i * m.numCols + j]);
            }
            best = Math.max(best, s);
        }
        return best;
    }

    /** X = A⁻¹ B for B n × m ({@code x} n × m, overwritten). */
    public void solve(DMatrixRMaj b, DMatrixRMaj x) {
        solver.solve(b, x);
    }

    /** log |det A| = Σ log |U_ii|. */
    public double logAbsDet() {
        DMatrixRMaj u = lu.getLU();
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(Math.abs(u.data[i * n + i]));
        }
        return s;
    }

    /** The sign of det A: the signs of U's pivots times the parity of P. */
    public double signDet() {
        DMatrixRMaj u = lu.getLU();
        double s = 1;
        for (int i = 0; i < n; i++) {
            s *= Math.signum(u.data[i * n + i]);
        }
        int[] p = lu.getPivot().clone();
        for (int i = 0; i < n; i++) {
            while (p[i] != i) {
                int j = p[i];
                p[i] = p[j];
                p[j] = j;
                s = -s;
            }
        }
        return s;
    }
}
