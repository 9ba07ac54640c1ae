package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.linalg.Triangular;
import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * tri_solve(L, B) = L⁻¹B reading only the lower triangle of L (n×n; B n×m), by forward substitution, O(n²m), as
 * {@code torch.linalg.solve_triangular(L, B, upper=False)}. A zero (or, relative to the largest, below n·ε) diagonal
 * entry is refused at forward time with the ratio of the diagonal's extremes, a lower bound on the condition number.
 *
 * <p>dX = L⁻¹(dB − tril(dL)·X): ∂X/∂B = L⁻¹ ⊗ I_m; ∂X/∂L has a column for each lower entry only. VJP: B̄ = L⁻ᵀȲ,
 * L̄ = −tril(B̄·Xᵀ); JVP: Ẋ = L⁻¹(Ḃ − tril(L̇)·X) — B adjoints side by side, one substitution. Rule:
 * B̄ = solve(tril(L).T, Ȳ), L̄ = −tril(B̄ @ Y.T).
 */
public final class TriSolve implements Function {
    @Override
    public String name() {
        return "tri_solve";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "tri_solve(L, B) with L square (its lower triangle is read) and B with L's rows";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        OpArgs.square("tri_solve", "L", a[0]);
        OpArgs.sameRows("tri_solve(L, B)", "L", a[0], a[1]);
        return a[1];
    }

    private static void check(DMatrixRMaj l) {
        double ratio = Triangular.diagonalRatio(l);
        int n = l.numRows;
        if (!(ratio * n * Math.ulp(1.0) < 1)) {
            throw new IllegalArgumentException(String.format(
                    java.util.Locale.ROOT,
                    "triangular matrix is singular to working precision (its diagonal spans %.2g: the condition"
                            + " number is at least that, above 1/(n·ε) = %.2g)",
                    ratio,
                    1 / (n * Math.ulp(1.0))));
        }
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        check(a[0]);
        DMatrixRMaj y = new DMatrixRMaj(a[1].numRows, a[1].numCols);
        Triangular.solveLower(a[0], a[1], y);
        Factors f = new Factors(a[0], y);
        return new Evaluated(y, new Jacobian(f, true), new Jacobian(f, false));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] a, double[] lit) {
        check(a[0]);
        DMatrixRMaj y = new DMatrixRMaj(a[1].numRows, a[1].numCols);
        Triangular.solveLower(a[0], a[1], y);
        return y;
    }

    /** L (its lower triangle) and X. */
    static final class Factors implements Serializable {
        private static final long serialVersionUID = 1L;
        final DMatrixRMaj l;
        final DMatrixRMaj y;

        Factors(DMatrixRMaj l, DMatrixRMaj y) {
            this.l = l.copy();
            this.y = y;
        }
    }

    /** ∂X/∂L (ofL) or ∂X/∂B. */
    static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final Factors f;
        private final boolean ofL;

        Jacobian(Factors f, boolean ofL) {
            this.f = f;
            this.ofL = ofL;
        }

        @Override
        public int outSize() {
            return f.y.getNumElements();
        }

        @Override
        public int inSize() {
            return ofL ? f.l.getNumElements() : f.y.getNumElements();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = f.l.numRows;
            int m = f.y.numCols;
            DMatrixRMaj s = SideBySide.of(vbar, n, m);
            Triangular.solveLowerTransposed(f.l, s, s);
            if (!ofL) {
                SideBySide.addBack(s, n, m, ubar);
                return;
            }
            // L̄_b = −tril(B̄_b Xᵀ)
            DMatrixRMaj bbar = new DMatrixRMaj(vbar.numRows, n * m);
            SideBySide.addBack(s, n, m, bbar);
            DMatrixRMaj yt = new DMatrixRMaj(m, n);
            CommonOps_DDRM.transpose(f.y, yt);
            DMatrixRMaj full = new DMatrixRMaj(vbar.numRows * n, n);
            Gemm.mult(-1.0, DMatrixRMaj.wrap(vbar.numRows * n, m, bbar.data), yt, 0.0, full);
            for (int b = 0; b < vbar.numRows; b++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) {
                        ubar.data[b * n * n + i * n + j] += full.data[(b * n + i) * n + j];
                    }
                }
            }
        }

        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int n = f.l.numRows;
            int m = f.y.numCols;
            DMatrixRMaj rhs = udot;
            if (ofL) {
                // −tril(L̇_b)·X for every b
                DMatrixRMaj low = new DMatrixRMaj(udot.numRows * n, n);
                for (int b = 0; b < udot.numRows; b++) {
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j <= i; j++) {
                            low.data[(b * n + i) * n + j] = udot.data[b * n * n + i * n + j];
                        }
                    }
                }
                DMatrixRMaj t = new DMatrixRMaj(udot.numRows * n, m);
                Gemm.mult(-1.0, low, f.y, 0.0, t);
                rhs = DMatrixRMaj.wrap(udot.numRows, n * m, t.data);
            }
            DMatrixRMaj s = SideBySide.of(rhs, n, m);
            Triangular.solveLower(f.l, s, s);
            SideBySide.addBack(s, n, m, vdot);
        }

        @Override
        public DMatrixRMaj dense() {
            return DenseByJvp.of(this);
        }
    }

    /**
     * X[i, j] depends on B[k, j] for k ≤ i (L⁻¹ is lower triangular: exact) and on L — all of it here, a superset (it
     * reads L's rows ≤ i of the lower triangle).
     */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        int n = argShapes[0].rows;
        int[][] lower = new int[n][];
        for (int i = 0; i < n; i++) {
            lower[i] = java.util.stream.IntStream.rangeClosed(0, i).toArray();
        }
        return args[0].everyOnAll(out).or(args[1].mapRows(BoolMatrix.ofRows(n, lower), n));
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr bbar = Sym.call("solve", Sym.t(Sym.call("tril", c.arg(0))), c.adjoint());
        return arg == 1 ? bbar : Sym.neg(Sym.call("tril", Sym.matmul(bbar, Sym.t(c.out()))));
    }
}
