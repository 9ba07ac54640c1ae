package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Batched;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** inv(A) for square A; ∂Y/∂A = −(Y ⊗ Yᵀ), VJP −Yᵀ·Ȳ·Yᵀ. */
public final class Inverse implements Function {
    @Override
    public String name() {
        return "inv";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "inv(A) with A square";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        OpArgs.square("inv", "matrix", a[0]);
        return a[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        // by LU: a matrix singular to working precision is refused with its condition number
        int n = a[0].numRows;
        DMatrixRMaj y = new DMatrixRMaj(n, n);
        io.adjoint.core.linalg.Lu.of(a[0]).solve(CommonOps_DDRM.identity(n), y);
        for (double v : y.data) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("matrix is singular");
            }
        }
        return new Evaluated(y, new Jacobian(y));
    }

    /**
     * ∂Y/∂A for Y = A⁻¹ (n×n): dY = −Y dA Y, so row-major ∂Y/∂A = −(Y ⊗ Yᵀ).
     *
     * <pre>
     *   Ȳ: B×(n·n) → Ā: B×(n·n)      Ā_b += −Yᵀ · Ȳ_b · Yᵀ   (T = Ȳ·Yᵀ: one GEMM; then −Yᵀ·T_b batched)
     * </pre>
     * Holds Yᵀ only.
     */
    public static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final DMatrixRMaj yt;
        /** Y itself, for the JVP; derived from Yᵀ when first needed. */
        private transient volatile DMatrixRMaj y;

        public Jacobian(DMatrixRMaj y) {
            this.yt = new DMatrixRMaj(y.numCols, y.numRows);
            org.ejml.dense.row.CommonOps_DDRM.transpose(y, yt);
        }

        @Override
        public int outSize() {
            return yt.numRows * yt.numRows;
        }

        @Override
        public int inSize() {
            return outSize();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = yt.numRows;
            DMatrixRMaj t = io.adjoint.core.linalg.Scratch.zeros(vbar.numRows, n * n);
            Batched.rightMultiplyAdd(vbar, n, n, yt, 1.0, t);
            Batched.leftMultiplyAdd(yt, t, n, n, -1.0, ubar);
            io.adjoint.core.linalg.Scratch.release(t);
        }

        /** Y = X⁻¹: dY = −Y·dX·Y, so V̇_b += −Y·U̇_b·Y (two GEMMs per block). */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int n = yt.numRows;
            DMatrixRMaj y = this.y;
            if (y == null) { // made on first use and kept: a tape used for JVPs only pays for it once
                y = new DMatrixRMaj(n, n);
                org.ejml.dense.row.CommonOps_DDRM.transpose(yt, y);
                this.y = y;
            }
            DMatrixRMaj t = io.adjoint.core.linalg.Scratch.zeros(udot.numRows, n * n);
            Batched.rightMultiplyAdd(udot, n, n, y, 1.0, t);
            Batched.leftMultiplyAdd(y, t, n, n, -1.0, vdot);
            io.adjoint.core.linalg.Scratch.release(t);
        }

        @Override
        public DMatrixRMaj dense() {
            DMatrixRMaj y = new DMatrixRMaj(yt.numCols, yt.numRows);
            org.ejml.dense.row.CommonOps_DDRM.transpose(yt, y);
            DMatrixRMaj k = Batched.kron(y, yt);
            org.ejml.dense.row.CommonOps_DDRM.scale(-1.0, k);
            return k;
        }

        /** Row i·n + j of −(Y ⊗ Yᵀ): −Y[i, k]·Y[l, j] at column k·n + l. */
        @Override
        public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
            int n = yt.numRows;
            int nn = n * n;
            for (int b = 0; b < vbar.col.length; b++) {
                int i = vbar.col[b] / n;
                int j = vbar.col[b] % n;
                double v = vbar.val[b];
                for (int k = 0; k < n; k++) {
                    double yik = yt.data[k * n + i];
                    for (int l = 0; l < n; l++) {
                        ubar.data[b * nn + k * n + l] -= v * yik * yt.data[j * n + l];
                    }
                }
            }
        }
    }

    /** Dense: every entry of A⁻¹ depends on every entry of A. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].everyOnAll(out);
    }

    /** Y = A⁻¹: Ā = −(Yᵀ @ Ȳ @ Yᵀ). */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr yt = Sym.t(c.out());
        return Sym.neg(Sym.matmul(Sym.matmul(yt, c.adjoint()), yt));
    }
}
