package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Batched;
import io.adjoint.core.linalg.Gemm;
import org.ejml.data.DMatrixRMaj;

/** {@code A @ B}: Y_ij = Σ_k A_ik B_kj through dgemm; ∂Y/∂A = I ⊗ Bᵀ, ∂Y/∂B = A ⊗ I. */
public final class Matmul implements Function {
    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "A @ B";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        if (a[0].cols != a[1].rows) {
            throw new IllegalArgumentException("shape mismatch: " + a[0] + " @ " + a[1] + ": inner dimensions "
                    + a[0].cols + " and " + a[1].rows + " differ");
        }
        return new Shape2(a[0].rows, a[1].cols);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        return new Evaluated(value(a, lit), new Left(a[0].numRows, a[1]), new Right(a[0], a[1].numCols));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] a, double[] lit) {
        DMatrixRMaj y = new DMatrixRMaj(a[0].numRows, a[1].numCols);
        Gemm.mult(1.0, a[0], a[1], 0.0, y);
        return y;
    }

    /** {@code A @ [X₁ … X_B]} = [A X₁ … A X_B]: column-separable when A does not vary (one GEMM for all copies). */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return !varying[0];
    }

    /**
     * ∂Y/∂A for Y = A·X, A n×k, X k×m. Row-major: vec(A X) = (I_n ⊗ Xᵀ) vec(A), so ∂Y/∂A = I_n ⊗ Xᵀ.
     *
     * <pre>
     *   Ȳ: B×(n·m), Xᵀ: m×k → Ā: B×(n·k)      Ā_b += Ȳ_b · Xᵀ   (one GEMM on the (B·n)×m view)
     * </pre>
     * Holds Xᵀ only.
     */
    public static final class Left implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final DMatrixRMaj xt;
        /** X itself, for the JVP; derived from Xᵀ when first needed. */
        private transient volatile DMatrixRMaj x;

        public Left(int n, DMatrixRMaj x) {
            this.n = n;
            this.xt = new DMatrixRMaj(x.numCols, x.numRows);
            org.ejml.dense.row.CommonOps_DDRM.transpose(x, xt);
        }

        @Override
        public int outSize() {
            return n * xt.numRows;
        }

        @Override
        public int inSize() {
            return n * xt.numCols;
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            Batched.rightMultiplyAdd(vbar, n, xt.numRows, xt, 1.0, ubar);
        }

        /** Ẏ_b += Ȧ_b · X (one GEMM on the (B·n)×k view). */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            DMatrixRMaj x = this.x;
            if (x == null) { // made on first use and kept: a tape used for JVPs only pays for it once
                x = new DMatrixRMaj(xt.numCols, xt.numRows);
                org.ejml.dense.row.CommonOps_DDRM.transpose(xt, x);
                this.x = x;
            }
            Batched.rightMultiplyAdd(udot, n, xt.numCols, x, 1.0, vdot);
        }

        @Override
        public DMatrixRMaj dense() {
            return Batched.kron(org.ejml.dense.row.CommonOps_DDRM.identity(n), xt);
        }

        /** Row i·m + j of I_n ⊗ Xᵀ: Xᵀ[j, l] at column i·k + l. */
        @Override
        public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
            int m = xt.numRows;
            int k = xt.numCols;
            int is = n * k;
            for (int b = 0; b < vbar.col.length; b++) {
                int i = vbar.col[b] / m;
                int j = vbar.col[b] % m;
                double v = vbar.val[b];
                int uo = b * is + i * k;
                int xo = j * k;
                for (int l = 0; l < k; l++) {
                    ubar.data[uo + l] += v * xt.data[xo + l];
                }
            }
        }
    }

    /**
     * ∂Y/∂X for Y = A·X, A n×k, X k×m. Row-major: vec(A X) = (A ⊗ I_m) vec(X), so ∂Y/∂X = A ⊗ I_m.
     *
     * <pre>
     *   Ȳ: B×(n·m), Aᵀ: k×n → X̄: B×(k·m)      X̄_b += Aᵀ · Ȳ_b   (permute, one GEMM, permute back)
     * </pre>
     * Holds Aᵀ only.
     */
    public static final class Right implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final DMatrixRMaj at;
        private final int m;
        /** A itself; see {@link #a()}. */
        private transient volatile DMatrixRMaj a;

        public Right(DMatrixRMaj a, int m) {
            this.at = new DMatrixRMaj(a.numCols, a.numRows);
            org.ejml.dense.row.CommonOps_DDRM.transpose(a, at);
            this.m = m;
        }

        @Override
        public int outSize() {
            return at.numCols * m;
        }

        @Override
        public int inSize() {
            return at.numRows * m;
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            Batched.leftMultiplyAdd(at, vbar, at.numCols, m, 1.0, ubar);
        }

        /** Ẏ_b += A · Ẋ_b (permute, one GEMM, permute back). */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            Batched.leftMultiplyAdd(a(), udot, at.numRows, m, 1.0, vdot);
        }

        /** A itself, for the JVP and the dense form: derived from Aᵀ on first use and kept. */
        private DMatrixRMaj a() {
            DMatrixRMaj a = this.a;
            if (a == null) {
                a = new DMatrixRMaj(at.numCols, at.numRows);
                org.ejml.dense.row.CommonOps_DDRM.transpose(at, a);
                this.a = a;
            }
            return a;
        }

        @Override
        public DMatrixRMaj dense() {
            return Batched.kron(a(), org.ejml.dense.row.CommonOps_DDRM.identity(m));
        }

        /** Row i·m + j of A ⊗ I_m: A[i, l] at column l·m + j. */
        @Override
        public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
            int k = at.numRows;
            int n = at.numCols;
            int is = k * m;
            for (int b = 0; b < vbar.col.length; b++) {
                int i = vbar.col[b] / m;
                int j = vbar.col[b] % m;
                double v = vbar.val[b];
                for (int l = 0; l < k; l++) {
                    ubar.data[b * is + l * m + j] += v * at.data[l * n + i];
                }
            }
        }
    }

    /**
     * Exact for generic values: (A·B)[i, j] = Σ_k A[i, k]·B[k, j] depends on row i of A (every column k mixes
     * into every column j) and on column j of B.
     */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        SparsityPattern viaA = args[0].mapCols(BoolMatrix.full(out.cols, argShapes[0].cols), out.cols);
        SparsityPattern viaB = args[1].mapRows(BoolMatrix.full(out.rows, argShapes[1].rows), out.rows);
        return viaA.or(viaB);
    }

    /** Ā = Ȳ @ Bᵀ, B̄ = Aᵀ @ Ȳ. */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return arg == 0 ? Sym.matmul(c.adjoint(), Sym.t(c.arg(1))) : Sym.matmul(Sym.t(c.arg(0)), c.adjoint());
    }
}
