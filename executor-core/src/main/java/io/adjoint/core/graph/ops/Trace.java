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

/** trace(A) = Σ_i A_ii → 1×1 (over min(n, m), as NumPy). */
public final class Trace implements Function {
    @Override
    public String name() {
        return "trace";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "trace(A)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        return new Shape2(1, 1);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        DMatrixRMaj y = new DMatrixRMaj(1, 1);
        for (int i = 0; i < Math.min(a[0].numRows, a[0].numCols); i++) {
            y.data[0] += a[0].get(i, i);
        }
        return new Evaluated(y, new Jacobian(OpArgs.shape(a[0])));
    }

    /**
     * ∂v/∂u for v = trace(u) = Σ_{i < min(n,m)} u_ii (1×1): ∂v/∂u_ij = δ_ij.
     *
     * <pre>
     *   V̄: B×1 → Ū: B×(n·m)       Ū[b, i·m+i] += V̄[b, 0]
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

        /** V̇[b] += Σ_i U̇[b, i·cols+i]: the trace of the tangent. */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int d = Math.min(in.rows, in.cols);
            int is = in.size();
            for (int r = 0; r < udot.numRows; r++) {
                double t = 0;
                for (int i = 0; i < d; i++) {
                    t += udot.data[r * is + i * in.cols + i];
                }
                vdot.data[r] += t;
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

    /** Exact: trace(A) depends on what the diagonal entries depend on. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].trace();
    }

    /** Ā = Ȳ · I, I the identity of A's shape ({@code eye_like(A)}; Ȳ is 1×1). */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return c.adjointTimes(Sym.call("eye_like", c.arg(0)));
    }
}
