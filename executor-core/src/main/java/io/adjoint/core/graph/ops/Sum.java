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
import org.ejml.data.DMatrixRMaj;

/** sum(A) → 1×1, sum(A, 0) → 1×m, sum(A, 1) → n×1; mean likewise divided by the count. */
public final class Sum implements Function {
    private final String name;
    private final boolean mean;

    Sum(String name, boolean mean) {
        this.name = name;
        this.mean = mean;
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
        return name + "(A), " + name + "(A, 0) or " + name + "(A, 1)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        return reduced(a[0], lit, signature());
    }

    /** The shape of a reduction of {@code a}: whole (no literal) → 1×1, axis 0 → 1×m, axis 1 → n×1. */
    static Shape2 reduced(Shape2 a, double[] lit, String signature) {
        if (lit.length == 0) {
            return new Shape2(1, 1);
        }
        if (lit.length == 1 && lit[0] == 0) {
            return new Shape2(1, a.cols);
        }
        if (lit.length == 1 && lit[0] == 1) {
            return new Shape2(a.rows, 1);
        }
        throw new IllegalArgumentException("axis must be 0 or 1 for a 2-D matrix, got "
                + (lit.length == 1 ? OpArgs.fmt(lit[0]) : lit.length + " numbers") + ": " + signature);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 in = OpArgs.shape(a[0]);
        Shape2 out = outputShape(new Shape2[] {in}, lit);
        double count = (double) in.size() / out.size();
        double s = mean ? 1.0 / count : 1.0;
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        for (int i = 0; i < in.rows; i++) {
            for (int j = 0; j < in.cols; j++) {
                y.data[(out.rows == 1 ? 0 : i) * out.cols + (out.cols == 1 ? 0 : j)] += s * a[0].get(i, j);
            }
        }
        return new Evaluated(y, new Jacobian(in, out, s));
    }

    /** Along columns (axis 0) it acts on each column alone: column-separable; otherwise not. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return literals.length == 1 && literals[0] == 0;
    }

    /**
     * ∂v/∂u for a scaled sum v = s·Σ u over axes: u (n×m) → v of shape (1|n)×(1|m) (sum: s = 1, mean: s = 1/count).
     * ∂v_{oidx(i,j)}/∂u_ij = s.
     *
     * <pre>
     *   V̄: B×size(v) → Ū: B×(n·m)       Ū[b, i·m+j] += s · V̄[b, oidx(i,j)]
     * </pre>
     */
    public static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final Shape2 in;
        private final Shape2 out;
        private final double s;

        public Jacobian(Shape2 in, Shape2 out, double s) {
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

        /** V̇[b, oidx(i,j)] += s · U̇[b, i·cols+j]: the tangent summed (and scaled, for the mean). */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int os = out.size();
            int is = in.size();
            for (int r = 0; r < udot.numRows; r++) {
                for (int i = 0; i < in.rows; i++) {
                    for (int j = 0; j < in.cols; j++) {
                        vdot.data[r * os + oidx(i, j)] += s * udot.data[r * is + i * in.cols + j];
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

    /** Exact: each output entry depends on the entries it sums (a column, a row, or all). */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return reducedPattern(args[0], argShapes[0], out);
    }

    /** The pattern of a reduction of a node of shape {@code in} with pattern {@code p} to {@code out}. */
    static SparsityPattern reducedPattern(SparsityPattern p, Shape2 in, Shape2 out) {
        if (out.rows != in.rows) {
            p = p.mapRows(BoolMatrix.full(out.rows, in.rows), out.rows);
        }
        if (out.cols != in.cols) {
            p = p.mapCols(BoolMatrix.full(out.cols, in.cols), out.cols);
        }
        return p;
    }

    /**
     * Ā = Ȳ broadcast back to A's shape ({@code broadcast_like(Ȳ, A)}: a 1×1, 1×m or n×1 adjoint repeated), divided
     * by the count for mean.
     */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr back = Sym.call("broadcast_like", c.adjoint(), c.arg(0));
        if (!mean) {
            return back;
        }
        return Sym.mul(Sym.num((double) c.outShape().size() / c.argShape(0).size()), back);
    }
}
