package io.adjoint.core.graph.jac;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.linalg.Batched;
import org.ejml.data.DMatrixRMaj;

/**
 * ∂Y/∂A for Y = A·X, A n×k, X k×m. Row-major: vec(A X) = (I_n ⊗ Xᵀ) vec(A), so ∂Y/∂A = I_n ⊗ Xᵀ.
 *
 * <pre>
 *   Ȳ: B×(n·m), Xᵀ: m×k → Ā: B×(n·k)      Ā_b += Ȳ_b · Xᵀ   (one GEMM on the (B·n)×m view)
 * </pre>
 * Holds Xᵀ only.
 */
public final class MatmulLeft implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final int n;
    private final DMatrixRMaj xt;

    public MatmulLeft(int n, DMatrixRMaj x) {
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
