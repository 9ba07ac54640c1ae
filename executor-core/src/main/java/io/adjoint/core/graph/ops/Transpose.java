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
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** {@code A.T}: a permutation. */
public final class Transpose implements Function {
    @Override
    public String name() {
        return "transpose";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "A.T";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        return new Shape2(a[0].cols, a[0].rows);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        DMatrixRMaj y = new DMatrixRMaj(a[0].numCols, a[0].numRows);
        CommonOps_DDRM.transpose(a[0], y);
        return new Evaluated(y, new Jacobian(OpArgs.shape(a[0])));
    }

    /**
     * ∂v/∂u for v = uᵀ, u n×m: a permutation, ∂v_{ji}/∂u_{ij} = 1.
     *
     * <pre>
     *   V̄: B×(m·n) → Ū: B×(n·m)       Ū[b, i·m+j] += V̄[b, j·n+i]
     * </pre>
     */
    public static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final Shape2 in;

        public Jacobian(Shape2 in) {
            this.in = in;
        }

        @Override
        public int outSize() {
            return in.size();
        }

        @Override
        public int inSize() {
            return in.size();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = in.rows;
            int m = in.cols;
            int nm = n * m;
            double[] v = vbar.data;
            double[] u = ubar.data;
            for (int r = 0; r < vbar.numRows; r++) {
                int o = r * nm;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        u[o + i * m + j] += v[o + j * n + i];
                    }
                }
            }
        }

        /** V̇[b, j·n+i] += U̇[b, i·m+j]: the tangent transposed. */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int n = in.rows;
            int m = in.cols;
            int nm = n * m;
            for (int r = 0; r < udot.numRows; r++) {
                int o = r * nm;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        vdot.data[o + j * n + i] += udot.data[o + i * m + j];
                    }
                }
            }
        }

        @Override
        public DMatrixRMaj dense() {
            int n = in.rows;
            int m = in.cols;
            DMatrixRMaj d = new DMatrixRMaj(n * m, n * m);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    d.set(j * n + i, i * m + j, 1.0);
                }
            }
            return d;
        }

        @Override
        public Selection mapSelection(Selection vbar) {
            int n = in.rows;
            int m = in.cols;
            int[] c = new int[vbar.col.length];
            for (int b = 0; b < c.length; b++) {
                int j = vbar.col[b] / n;
                int i = vbar.col[b] % n;
                c[b] = i * m + j;
            }
            return new Selection(c, vbar.val.clone(), in.size());
        }
    }

    /** Exact: out[i, j] = A[j, i]. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].transposed();
    }

    /** Ā = Ȳᵀ. */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return Sym.t(c.adjoint());
    }
}
