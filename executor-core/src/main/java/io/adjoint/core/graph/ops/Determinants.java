package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Lu;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * det(A) and logdet(A) = log|det A| (the second value of {@code torch.linalg.slogdet}) of a square A → 1×1. Both have
 * a gradient of rank one as a row: a 1 × n² local Jacobian G (flattened row-major), VJP Ā_b = ȳ_b·G, JVP
 * ẏ_b = ⟨G, Ȧ_b⟩.
 * <ul>
 *   <li>logdet: G = A⁻ᵀ (by LU, solving with Aᵀ); a singular A is refused at forward time (log 0 = −∞), with the
 *       condition estimate. Rule: Ā = Ȳ * inv(A).T.</li>
 *   <li>det: G = adj(A)ᵀ, the cofactor matrix, computed from the SVD A = UΣVᵀ as adj(A) = det(V)det(U)·V·adj(Σ)·Uᵀ
 *       with adj(Σ) = diag(Π_{j≠i} σ_j) — no inverse, so it is right at singular A too (rank n − 1: one non-zero
 *       term; lower rank: zero), as JAX's. Rule: Ā = Ȳ * Y * inv(A).T, which holds where A is invertible (second
 *       derivatives of det at a singular A are not available).</li>
 * </ul>
 */
public final class Determinants {
    private Determinants() {}

    /** logdet(A) = log|det A|. */
    public static final Function LOGDET = new Op("logdet");

    /** det(A). */
    public static final Function DET = new Op("det");

    private static final class Op implements Function {
        private final String name;

        Op(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int matrixArity() {
            return 1;
        }

        @Override
        public String signature() {
            return name + "(A) with A square";
        }

        @Override
        public Shape2 outputShape(Shape2[] a, double[] lit) {
            OpArgs.noLiterals(name, signature(), lit);
            OpArgs.square(name, "matrix", a[0]);
            return new Shape2(1, 1);
        }

        @Override
        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            int n = a[0].numRows;
            DMatrixRMaj g = new DMatrixRMaj(n, n);
            double y;
            if (name.equals("logdet")) {
                Lu lu = Lu.of(a[0]);
                y = lu.logAbsDet();
                DMatrixRMaj inv = new DMatrixRMaj(n, n);
                lu.solve(CommonOps_DDRM.identity(n), inv);
                CommonOps_DDRM.transpose(inv, g);
            } else {
                y = cofactors(a[0], g);
            }
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            out.data[0] = y;
            return new Evaluated(out, new RowJacobian(g));
        }

        /** det(A) and, into {@code g}, its cofactor matrix adj(A)ᵀ, from the SVD. */
        private static double cofactors(DMatrixRMaj a, DMatrixRMaj g) {
            int n = a.numRows;
            if (n == 0) {
                return 1;
            }
            SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, n, true, true, false);
            if (!svd.decompose(a.copy())) {
                throw new IllegalArgumentException("the SVD did not converge");
            }
            DMatrixRMaj u = svd.getU(null, false);
            DMatrixRMaj v = svd.getV(null, false);
            double[] s = svd.getSingularValues();
            double sign = Math.signum(CommonOps_DDRM.det(u)) * Math.signum(CommonOps_DDRM.det(v));
            double det = sign;
            for (int i = 0; i < n; i++) {
                det *= s[i];
            }
            // adj(Σ)_ii = Π_{j≠i} σ_j, by prefix and suffix products (no division: exact at zeros)
            double[] adjS = new double[n];
            double pre = 1;
            for (int i = 0; i < n; i++) {
                adjS[i] = pre;
                pre *= s[i];
            }
            double suf = 1;
            for (int i = n - 1; i >= 0; i--) {
                adjS[i] *= suf;
                suf *= s[i];
            }
            // adj(A) = sign · V diag(adjS) Uᵀ; the cofactor matrix is its transpose: sign · U diag(adjS) Vᵀ
            DMatrixRMaj us = u.copy();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    us.data[i * n + k] *= sign * adjS[k];
                }
            }
            CommonOps_DDRM.multTransB(us, v, g);
            return det;
        }

        @Override
        public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
            return args[0].everyOnAll(out);
        }

        @Override
        public Expr vjpExpr(int arg, SymbolicCall c) {
            Expr invT = Sym.t(Sym.call("inv", c.arg(0)));
            return name.equals("logdet") ? Sym.mul(c.adjoint(), invT) : Sym.mul(Sym.mul(c.adjoint(), c.out()), invT);
        }
    }

    /**
     * The local Jacobian of a scalar of a matrix: one row G (size n·m).
     *
     * <pre>
     *   ȳ: B×1 → Ā: B×(n·m)     Ā_b += ȳ_b · G          Ȧ: B×(n·m) → ẏ_b += ⟨G, Ȧ_b⟩
     * </pre>
     */
    static final class RowJacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final DMatrixRMaj g;

        RowJacobian(DMatrixRMaj g) {
            this.g = g;
        }

        @Override
        public int outSize() {
            return 1;
        }

        @Override
        public int inSize() {
            return g.getNumElements();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int k = g.getNumElements();
            for (int b = 0; b < vbar.numRows; b++) {
                double v = vbar.data[b];
                if (v != 0) {
                    for (int i = 0; i < k; i++) {
                        ubar.data[b * k + i] += v * g.data[i];
                    }
                }
            }
        }

        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int k = g.getNumElements();
            for (int b = 0; b < udot.numRows; b++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += g.data[i] * udot.data[b * k + i];
                }
                vdot.data[b] += s;
            }
        }

        @Override
        public DMatrixRMaj dense() {
            return new DMatrixRMaj(1, g.getNumElements(), true, g.data);
        }
    }
}
