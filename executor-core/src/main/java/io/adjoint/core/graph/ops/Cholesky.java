package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.linalg.Triangular;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * cholesky(A): the lower factor L with L·Lᵀ = A of a symmetric positive-definite A, as {@code torch.linalg.cholesky}.
 * It factors the symmetric part ½(A + Aᵀ) — the same L for a symmetric A — so its derivative is defined for every
 * perturbation and its gradient is symmetric, as PyTorch's. A matrix that is not positive definite is refused at
 * forward time, naming the order of the first leading minor that is not positive.
 *
 * <p>With Φ(X) the lower triangle of X with its diagonal halved and A_s = ½(A + Aᵀ): dL = L·Φ(L⁻¹ dA_s L⁻ᵀ) (JVP), and
 * since Φ is self-adjoint, ⟨L̄, dL⟩ = ⟨S, dA_s⟩ with S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, so Ā = ½(S + Sᵀ) (VJP, Murray 2016): per
 * row of a sweep four triangular solves and two products, O(n³). Rule: P = tril(Y.T @ Ȳ) − 0.5 * diag(diag(Y.T @ Ȳ)),
 * T = solve(Y.T, P), S = solve(Y.T, T.T).T, Ā = 0.5 * (S + S.T). Pattern: every entry of L on every entry of A (a
 * superset: L's upper triangle is zero, and L[i, j] reads A's leading (max(i, j) + 1)² block).
 */
public final class Cholesky implements Function {
    @Override
    public String name() {
        return "cholesky";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "cholesky(A) with A symmetric positive definite";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        OpArgs.square("cholesky", "matrix", a[0]);
        return a[0];
    }

    /** The lower factor of ½(A + Aᵀ), by the Cholesky–Banachiewicz recurrence (O(n³/3)). */
    static DMatrixRMaj factor(DMatrixRMaj a) {
        int n = a.numRows;
        DMatrixRMaj l = new DMatrixRMaj(n, n);
        double[] d = l.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
                for (int k = 0; k < j; k++) {
                    s -= d[i * n + k] * d[j * n + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException(
                                "matrix is not positive definite (its leading minor of order " + (i + 1)
                                        + " is not positive)");
                    }
                    d[i * n + i] = Math.sqrt(s);
                } else {
                    d[i * n + j] = s / d[j * n + j];
                }
            }
        }
        return l;
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        DMatrixRMaj l = factor(a[0]);
        return new Evaluated(l, new Jacobian(l));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] a, double[] lit) {
        return factor(a[0]);
    }

    /** ∂L/∂A. */
    static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final DMatrixRMaj l;

        Jacobian(DMatrixRMaj l) {
            this.l = l;
        }

        @Override
        public int outSize() {
            return l.getNumElements();
        }

        @Override
        public int inSize() {
            return l.getNumElements();
        }

        /** Ā_b = ½(S + Sᵀ), S = L⁻ᵀ Φ(Lᵀ L̄_b) L⁻¹. */
        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = l.numRows;
            DMatrixRMaj lt = new DMatrixRMaj(n, n);
            CommonOps_DDRM.transpose(l, lt);
            DMatrixRMaj p = new DMatrixRMaj(n, n);
            DMatrixRMaj t = new DMatrixRMaj(n, n);
            for (int b = 0; b < vbar.numRows; b++) {
                DMatrixRMaj g =
                        DMatrixRMaj.wrap(n, n, java.util.Arrays.copyOfRange(vbar.data, b * n * n, (b + 1) * n * n));
                Gemm.mult(1.0, lt, g, 0.0, p);
                phi(p);
                Triangular.solveLowerTransposed(l, p, p); // L⁻ᵀ P
                CommonOps_DDRM.transpose(p, t);
                Triangular.solveLowerTransposed(l, t, t); // (L⁻ᵀ P L⁻¹)ᵀ
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        ubar.data[b * n * n + i * n + j] += 0.5 * (t.data[i * n + j] + t.data[j * n + i]);
                    }
                }
            }
        }

        /** L̇_b = L Φ(L⁻¹ ½(Ȧ_b + Ȧ_bᵀ) L⁻ᵀ). */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int n = l.numRows;
            DMatrixRMaj m = new DMatrixRMaj(n, n);
            DMatrixRMaj t = new DMatrixRMaj(n, n);
            DMatrixRMaj out = new DMatrixRMaj(n, n);
            for (int b = 0; b < udot.numRows; b++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        m.data[i * n + j] = 0.5 * (udot.data[b * n * n + i * n + j] + udot.data[b * n * n + j * n + i]);
                    }
                }
                Triangular.solveLower(l, m, m); // L⁻¹ A_s
                CommonOps_DDRM.transpose(m, t);
                Triangular.solveLower(l, t, t); // (L⁻¹ A_s L⁻ᵀ)ᵀ = L⁻¹ A_s L⁻ᵀ (symmetric)
                phi(t);
                Gemm.mult(1.0, l, t, 0.0, out);
                for (int k = 0; k < n * n; k++) {
                    vdot.data[b * n * n + k] += out.data[k];
                }
            }
        }

        @Override
        public DMatrixRMaj dense() {
            return DenseByJvp.of(this);
        }
    }

    /** Φ in place: zero the strict upper triangle, halve the diagonal. */
    static void phi(DMatrixRMaj x) {
        int n = x.numRows;
        for (int i = 0; i < n; i++) {
            x.data[i * n + i] *= 0.5;
            for (int j = i + 1; j < n; j++) {
                x.data[i * n + j] = 0;
            }
        }
    }

    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].everyOnAll(out);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr yt = Sym.t(c.out());
        Expr m = Sym.matmul(yt, c.adjoint());
        Expr p = Sym.sub(Sym.call("tril", m), Sym.mul(Sym.num(0.5), Sym.call("diag", Sym.call("diag", m))));
        Expr t = Sym.call("solve", yt, p);
        Expr s = Sym.t(Sym.call("solve", yt, Sym.t(t)));
        return Sym.mul(Sym.num(0.5), Sym.add(s, Sym.t(s)));
    }
}
