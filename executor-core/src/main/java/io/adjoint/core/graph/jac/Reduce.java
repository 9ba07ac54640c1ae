package io.adjoint.core.graph.jac;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import org.ejml.data.DMatrixRMaj;

/**
 * ∂v/∂u for a scaled sum v = s·Σ u over axes: u (n×m) → v of shape (1|n)×(1|m) (sum: s = 1, mean: s = 1/count).
 * ∂v_{oidx(i,j)}/∂u_ij = s.
 *
 * <pre>
 *   V̄: B×size(v) → Ū: B×(n·m)       Ū[b, i·m+j] += s · V̄[b, oidx(i,j)]
 * </pre>
 */
public final class Reduce implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final Shape2 in;
    private final Shape2 out;
    private final double s;

    public Reduce(Shape2 in, Shape2 out, double s) {
        this.in = in;
        this.out = out;
        this.s = s;
    }

    private int oidx(int i, int j) {
        return (out.rows == 1 ? 0 : i) * out.cols + (out.cols == 1 ? 0 : j);
    }

    @Override
    public int outSize() {
        return out.size();
    }

    @Override
    public int inSize() {
        return in.size();
    }

    @Override
    public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
        int b = vbar.numRows;
        int os = out.size();
        int is = in.size();
        double[] v = vbar.data;
        double[] u = ubar.data;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    u[r * is + i * in.cols + j] += s * v[r * os + oidx(i, j)];
                }
            }
        }
    }

    @Override
    public DMatrixRMaj dense() {
        DMatrixRMaj d = new DMatrixRMaj(out.size(), in.size());
        for (int i = 0; i < in.rows; i++) {
            for (int j = 0; j < in.cols; j++) {
                d.set(oidx(i, j), i * in.cols + j, s);
            }
        }
        return d;
    }

    @Override
    public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
        int is = in.size();
        for (int b = 0; b < vbar.col.length; b++) {
            int o = vbar.col[b];
            double v = s * vbar.val[b];
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    if (oidx(i, j) == o) {
                        ubar.data[b * is + i * in.cols + j] += v;
                    }
                }
            }
        }
    }
}
