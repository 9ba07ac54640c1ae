package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import org.ejml.data.DMatrixRMaj;

/**
 * ∂v/∂u for v = u ⊙ g broadcast: v (n×m) from u of shape (1|n)×(1|m). Local derivative
 * ∂v_ij/∂u_{i'j'} = g_ij if (i', j') is where v_ij reads u, else 0; g is null when it is the constant s.
 *
 * <pre>
 *   V̄: B×(n·m) → Ū: B×size(u)       Ū[b, idx(i,j)] += V̄[b, i·m+j] · g_ij
 * </pre>
 * with idx(i,j) = (u.rows = 1 ? 0 : i)·u.cols + (u.cols = 1 ? 0 : j): the sum over the broadcast axes.
 * Same shapes and g null is a scaled copy; same shapes with g is the diagonal Jacobian of an elementwise function.
 */
public final class Elementwise implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final Shape2 out;
    private final Shape2 in;
    private final double[] g;
    private final double s;

    public Elementwise(Shape2 out, Shape2 in, double[] g, double s) {
        this.out = out;
        this.in = in;
        this.g = g;
        this.s = s;
        if (g != null && g.length != out.size()) {
            throw new IllegalArgumentException("g has " + g.length + " entries, output " + out);
        }
    }

    /** The diagonal Jacobian of an elementwise function with derivative d (same shape in and out). */
    public static Elementwise diagonal(Shape2 shape, double[] d) {
        return new Elementwise(shape, shape, d, 1.0);
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
        int n = out.rows;
        int m = out.cols;
        int nm = n * m;
        int ins = in.size();
        double[] v = vbar.data;
        double[] u = ubar.data;
        boolean same = in.equals(out);
        for (int r = 0; r < b; r++) {
            int vo = r * nm;
            int uo = r * ins;
            if (same) {
                if (g == null) {
                    for (int x = 0; x < nm; x++) {
                        u[uo + x] += s * v[vo + x];
                    }
                } else {
                    for (int x = 0; x < nm; x++) {
                        u[uo + x] += g[x] * v[vo + x];
                    }
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                int ir = in.rows == 1 ? 0 : i;
                for (int j = 0; j < m; j++) {
                    int idx = ir * in.cols + (in.cols == 1 ? 0 : j);
                    double gij = g == null ? s : g[i * m + j];
                    u[uo + idx] += gij * v[vo + i * m + j];
                }
            }
        }
    }

    /** V̇[b, i·m+j] += g_ij · U̇[b, idx(i,j)]: each output entry reads one input entry. */
    @Override
    public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
        int n = out.rows;
        int m = out.cols;
        int nm = n * m;
        int ins = in.size();
        for (int r = 0; r < udot.numRows; r++) {
            for (int i = 0; i < n; i++) {
                int ir = in.rows == 1 ? 0 : i;
                for (int j = 0; j < m; j++) {
                    int idx = ir * in.cols + (in.cols == 1 ? 0 : j);
                    double gij = g == null ? s : g[i * m + j];
                    vdot.data[r * nm + i * m + j] += gij * udot.data[r * ins + idx];
                }
            }
        }
    }

    @Override
    public DMatrixRMaj dense() {
        DMatrixRMaj d = new DMatrixRMaj(out.size(), in.size());
        for (int i = 0; i < out.rows; i++) {
            for (int j = 0; j < out.cols; j++) {
                int idx = (in.rows == 1 ? 0 : i) * in.cols + (in.cols == 1 ? 0 : j);
                d.add(i * out.cols + j, idx, g == null ? s : g[i * out.cols + j]);
            }
        }
        return d;
    }

    @Override
    public Selection mapSelection(Selection vbar) {
        int[] c = new int[vbar.col.length];
        double[] v = new double[c.length];
        for (int b = 0; b < c.length; b++) {
            int o = vbar.col[b];
            int i = o / out.cols;
            int j = o % out.cols;
            c[b] = (in.rows == 1 ? 0 : i) * in.cols + (in.cols == 1 ? 0 : j);
            v[b] = vbar.val[b] * (g == null ? s : g[o]);
        }
        return new Selection(c, v, in.size());
    }
}
