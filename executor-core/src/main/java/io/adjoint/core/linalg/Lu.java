package io.adjoint.core.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;
import org.ejml.dense.row.linsol.lu.LinearSolverLu_DDRM;
import org.netlib.util.intW;

/**
 * The LU factorization of a square matrix with partial pivoting (O(n³) once), and what the linear-algebra ops read
 * from it: solves with A or Aᵀ for many right-hand sides (O(n²) each), log|det| and the sign of det from U's
 * diagonal and the pivots' parity (no overflow).
 *
 * <p>Native LAPACK when the machine's {@code liblapack.so.3} loads through netlib (OpenBLAS's, which {@code .ci/run}
 * installs): {@code dgetrf} on A's row-major array — to LAPACK, column-major, that is Aᵀ — so one factorization
 * serves both A (transposed solve, {@code dgetrs 'T'}) and Aᵀ ({@code 'N'}), and {@code dgecon} estimates the
 * condition in O(n²). Otherwise EJML (pure Java): A factored, Aᵀ factored again when first needed, and the condition
 * computed exactly (one more O(n³)) only when U's pivots span more than 13 orders of magnitude.
 *
 * <p>A matrix singular to working precision is refused at {@link #of}: an exact zero pivot, or a 1-norm condition
 * number κ₁ = ‖A‖₁‖A⁻¹‖₁ above 1/(n·ε), with the number in the message.
 */
public final class Lu {
    private static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();
    /** Whether LAPACK is native: netlib's Java fallbacks are unblocked, slower than EJML. */
    static final boolean NATIVE = LAPACK_INSTANCE.getClass().getSimpleName().matches("(JNI|Native)LAPACK");

    private final int n;
    /** LAPACK: the factors of Aᵀ (column-major) and the 1-based pivots; null on the EJML path. */
    private final double[] lu;

    private final int[] ipiv;
    /** EJML: A's solver, and Aᵀ's when first needed. */
    private final DMatrixRMaj a;

    private final LUDecompositionAlt_DDRM ejml;
    private final LinearSolverLu_DDRM solver;
    private LinearSolverLu_DDRM solverT;

    private Lu(int n, double[] lu, int[] ipiv, DMatrixRMaj a, LUDecompositionAlt_DDRM ejml, LinearSolverLu_DDRM s) {
        this.n = n;
        this.lu = lu;
        this.ipiv = ipiv;
        this.a = a;
        this.ejml = ejml;
        this.solver = s;
    }

    /** The implementation in use, for messages: "LAPACK (JNILAPACK)" or "EJML". */
    public static String implementation() {
        return NATIVE ? "LAPACK (" + LAPACK_INSTANCE.getClass().getSimpleName() + ")" : "EJML";
    }

    /**
     * Factors the square {@code a} (not modified); {@link IllegalArgumentException} "matrix is singular (…)" with the
     * condition number when it is singular to working precision.
     */
    public static Lu of(DMatrixRMaj a) {
        return of(a, NATIVE);
    }

    /** {@link #of} on LAPACK ({@code lapack}, whatever netlib loaded) or EJML: the tests compare the two. */
    static Lu of(DMatrixRMaj a, boolean lapack) {
        return lapack ? lapack(a) : ejml(a);
    }

    private static String singular(double kappa, int n) {
        return String.format(
                java.util.Locale.ROOT,
                "matrix is singular to working precision (1-norm condition number %.2g > 1/(n·ε) = %.2g)",
                kappa,
                1 / (n * Math.ulp(1.0)));
    }

    private static Lu lapack(DMatrixRMaj a) {
        int n = a.numRows;
        double[] f = a.data.clone();
        int[] ipiv = new int[Math.max(1, n)];
        intW info = new intW(0);
        if (n > 0) {
            LAPACK_INSTANCE.dgetrf(n, n, f, Math.max(1, n), ipiv, info);
        }
        if (info.val > 0) {
            throw new IllegalArgumentException("matrix is singular (a zero pivot: condition number ∞)");
        }
        if (n > 0) {
            // ‖A‖₁ is ‖Aᵀ‖∞: dgecon on Aᵀ's factors in the ∞-norm gives A's reciprocal 1-norm condition
            double rcond = rcond(f, n, normOne(a));
            if (!(rcond >= n * Math.ulp(1.0))) {
                throw new IllegalArgumentException(singular(rcond == 0 ? Double.POSITIVE_INFINITY : 1 / rcond, n));
            }
        }
        return new Lu(n, f, ipiv, null, null, null);
    }

    private static double rcond(double[] f, int n, double anorm) {
        org.netlib.util.doubleW rc = new org.netlib.util.doubleW(0);
        intW info = new intW(0);
        LAPACK_INSTANCE.dgecon("I", n, f, n, anorm, rc, new double[4 * n], new int[n], info);
        return rc.val;
    }

    private static Lu ejml(DMatrixRMaj a) {
        int n = a.numRows;
        LUDecompositionAlt_DDRM d = new LUDecompositionAlt_DDRM();
        LinearSolverLu_DDRM solver = new LinearSolverLu_DDRM(d);
        if (!solver.setA(a.copy())) {
            throw new IllegalArgumentException("matrix is singular (no LU factorization)");
        }
        Lu f = new Lu(n, null, null, a, d, solver);
        DMatrixRMaj u = d.getLU();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.abs(u.data[i * n + i]);
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        if (n > 0 && (min == 0 || !Double.isFinite(max))) {
            throw new IllegalArgumentException("matrix is singular (a zero pivot: condition number ∞)");
        }
        if (min < 1e-13 * max) {
            DMatrixRMaj inv = new DMatrixRMaj(n, n);
            f.solve(CommonOps_DDRM.identity(n), inv, false);
            double kappa = normOne(a) * normOne(inv);
            if (!(kappa * n * Math.ulp(1.0) < 1)) {
                throw new IllegalArgumentException(singular(kappa, n));
            }
        }
        return f;
    }

    /** ‖M‖₁: the largest column sum of absolute values. */
    private static double normOne(DMatrixRMaj m) {
        double[] col = new double[m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                col[j] += Math.abs(m.data[i * m.numCols + j]);
            }
        }
        double best = 0;
        for (double c : col) {
            best = Math.max(best, c);
        }
        return best;
    }

    /** X = A⁻¹ B for B n × m ({@code x} n × m, overwritten). */
    public void solve(DMatrixRMaj b, DMatrixRMaj x) {
        solve(b, x, false);
    }

    /** X = A⁻¹ B, or A⁻ᵀ B when {@code transposed}. */
    public void solve(DMatrixRMaj b, DMatrixRMaj x, boolean transposed) {
        int m = b.numCols;
        if (lu != null) {
            if (n == 0 || m == 0) {
                return;
            }
            // B column-major is Bᵀ row-major; LAPACK holds Aᵀ: A x = b is (Aᵀ)ᵀ x = b, 'T'; Aᵀ x = b is 'N'
            double[] cm = new double[n * m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    cm[j * n + i] = b.data[i * m + j];
                }
            }
            intW info = new intW(0);
            LAPACK_INSTANCE.dgetrs(transposed ? "N" : "T", n, m, lu, n, ipiv, cm, n, info);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    x.data[i * m + j] = cm[j * n + i];
                }
            }
            return;
        }
        solveEjml(b, x, transposed);
    }

    /** EJML's solvers keep scratch in the factorization: one solve at a time (blocks on driver threads share it). */
    private synchronized void solveEjml(DMatrixRMaj b, DMatrixRMaj x, boolean transposed) {
        if (!transposed) {
            solver.solve(b, x);
            return;
        }
        if (solverT == null) {
            DMatrixRMaj at = new DMatrixRMaj(n, n);
            CommonOps_DDRM.transpose(a, at);
            LinearSolverLu_DDRM t = new LinearSolverLu_DDRM(new LUDecompositionAlt_DDRM());
            t.setA(at);
            solverT = t;
        }
        solverT.solve(b, x);
    }

    private double pivot(int i) {
        return lu != null ? lu[i * n + i] : ejml.getLU().data[i * n + i];
    }

    /** log |det A| = Σ log |U_ii|. */
    public double logAbsDet() {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(Math.abs(pivot(i)));
        }
        return s;
    }

    /** The sign of det A: the signs of U's pivots times the parity of the row exchanges. */
    public double signDet() {
        double s = 1;
        for (int i = 0; i < n; i++) {
            s *= Math.signum(pivot(i));
        }
        if (lu != null) {
            for (int i = 0; i < n; i++) {
                if (ipiv[i] != i + 1) {
                    s = -s;
                }
            }
            return s;
        }
        int[] p = ejml.getPivot().clone();
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
