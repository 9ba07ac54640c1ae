package io.adjoint.core.graph.jac;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import org.ejml.data.DMatrixRMaj;

/**
 * ∂v/∂u for v = trace(u) = Σ_{i < min(n,m)} u_ii (1×1): ∂v/∂u_ij = δ_ij.
 *
 * <pre>
 *   V̄: B×1 → Ū: B×(n·m)       Ū[b, i·m+i] += V̄[b, 0]
 * </pre>
 */
public final class Trace implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final Shape2 in;

    public Trace(Shape2 in) {
        this.in = in;
    }

    @Override
    public int outSize() {
        return 1;
    }

    @Override
    public int inSize() {
        return in.size();
    }

    @Override
    public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
        int d = Math.min(in.rows, in.cols);
        int is = in.size();
        for (int r = 0; r < vbar.numRows; r++) {
            double v = vbar.data[r];
            for (int i = 0; i < d; i++) {
                ubar.data[r * is + i * in.cols + i] += v;
            }
        }
    }

    @Override
    public DMatrixRMaj dense() {
        DMatrixRMaj out = new DMatrixRMaj(1, in.size());
        for (int i = 0; i < Math.min(in.rows, in.cols); i++) {
            out.set(0, i * in.cols + i, 1.0);
        }
        return out;
    }

    @Override
    public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
        int d = Math.min(in.rows, in.cols);
        int is = in.size();
        for (int b = 0; b < vbar.col.length; b++) {
            for (int i = 0; i < d; i++) {
                ubar.data[b * is + i * in.cols + i] += vbar.val[b];
            }
        }
    }
}
