package io.adjoint.core.graph.jac;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.linalg.Batched;
import org.ejml.data.DMatrixRMaj;

/**
 * ∂Y/∂X for Y = A·X, A n×k, X k×m. Row-major: vec(A X) = (A ⊗ I_m) vec(X), so ∂Y/∂X = A ⊗ I_m.
 *
 * <pre>
 *   Ȳ: B×(n·m), Aᵀ: k×n → X̄: B×(k·m)      X̄_b += Aᵀ · Ȳ_b   (permute, one GEMM, permute back)
 * </pre>
 * Holds Aᵀ only.
 */
public final class MatmulRight implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final DMatrixRMaj at;
    private final int m;

    public MatmulRight(DMatrixRMaj a, int m) {
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

    @Override
    public DMatrixRMaj dense() {
        DMatrixRMaj a = new DMatrixRMaj(at.numCols, at.numRows);
        org.ejml.dense.row.CommonOps_DDRM.transpose(at, a);
        return Batched.kron(a, org.ejml.dense.row.CommonOps_DDRM.identity(m));
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
