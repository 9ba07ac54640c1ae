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

/** softmax(A, 1) along each row, softmax(A, 0) along each column; computed stably (max subtracted). */
public final class Softmax implements Function {
    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "softmax(A, 1) (rows) or softmax(A, 0) (columns)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        if (lit.length != 1 || (lit[0] != 0 && lit[0] != 1)) {
            throw new IllegalArgumentException("softmax needs an axis 0 or 1: " + signature());
        }
        return a[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        int axis = (int) lit[0];
        DMatrixRMaj x = a[0];
        int n = x.numRows;
        int m = x.numCols;
        DMatrixRMaj y = new DMatrixRMaj(n, m);
        int outer = axis == 1 ? n : m;
        int inner = axis == 1 ? m : n;
        for (int o = 0; o < outer; o++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < inner; t++) {
                max = Math.max(max, axis == 1 ? x.get(o, t) : x.get(t, o));
            }
            double sum = 0;
            for (int t = 0; t < inner; t++) {
                double e = Math.exp((axis == 1 ? x.get(o, t) : x.get(t, o)) - max);
                if (axis == 1) {
                    y.set(o, t, e);
                } else {
                    y.set(t, o, e);
                }
                sum += e;
            }
            for (int t = 0; t < inner; t++) {
                if (axis == 1) {
                    y.set(o, t, y.get(o, t) / sum);
                } else {
                    y.set(t, o, y.get(t, o) / sum);
                }
            }
        }
        return new Evaluated(y, new Jacobian(y, axis));
    }

    /** Along columns (axis 0) it acts on each column alone: column-separable; otherwise not. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return literals.length == 1 && literals[0] == 0;
    }

    /**
     * ∂Y/∂X for Y = softmax(X) along rows (axis 1) or columns (axis 0), X n×m. Within one row (or column)
     * y = softmax(x): ∂y_j/∂x_k = y_j(δ_jk − y_k); across rows it is zero. Never forms the (n·m)² Jacobian:
     *
     * <pre>
     *   Ȳ: B×(n·m) → X̄: B×(n·m)      X̄_b[i,j] += Y_ij (Ȳ_b[i,j] − Σ_k Ȳ_b[i,k] Y_ik)   (axis 1; axis 0 likewise)
     * </pre>
     * Holds Y only.
     */
    public static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final DMatrixRMaj y;
        private final int axis;

        public Jacobian(DMatrixRMaj y, int axis) {
            this.y = y;
            this.axis = axis;
        }

        @Override
        public int outSize() {
            return y.getNumElements();
        }

        @Override
        public int inSize() {
            return y.getNumElements();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = y.numRows;
            int m = y.numCols;
            int nm = n * m;
            double[] yd = y.data;
            double[] v = vbar.data;
            double[] u = ubar.data;
            for (int r = 0; r < vbar.numRows; r++) {
                int o = r * nm;
                if (axis == 1) {
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int j = 0; j < m; j++) {
                            s += v[o + i * m + j] * yd[i * m + j];
                        }
                        for (int j = 0; j < m; j++) {
                            u[o + i * m + j] += yd[i * m + j] * (v[o + i * m + j] - s);
                        }
                    }
                } else {
                    for (int j = 0; j < m; j++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            s += v[o + i * m + j] * yd[i * m + j];
                        }
                        for (int i = 0; i < n; i++) {
                            u[o + i * m + j] += yd[i * m + j] * (v[o + i * m + j] - s);
                        }
                    }
                }
            }
        }

        /**
         * J is symmetric (J_(ij),(ik) = Y_ij δ_jk − Y_ij Y_ik along a row, likewise along a column), so the tangent
         * map is the adjoint map: V̇ = Y ⊙ (U̇ − Σ_k Y U̇) per row (or column).
         */
        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            vjpAdd(udot, vdot);
        }

        @Override
        public DMatrixRMaj dense() {
            int n = y.numRows;
            int m = y.numCols;
            DMatrixRMaj d = new DMatrixRMaj(n * m, n * m);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    int row = i * m + j;
                    if (axis == 1) {
                        for (int k = 0; k < m; k++) {
                            d.set(row, i * m + k, y.get(i, j) * ((j == k ? 1 : 0) - y.get(i, k)));
                        }
                    } else {
                        for (int k = 0; k < n; k++) {
                            d.set(row, k * m + j, y.get(i, j) * ((i == k ? 1 : 0) - y.get(k, j)));
                        }
                    }
                }
            }
            return d;
        }

        /** Row i·m + j: Y_ij(δ − Y_ik) along the row (axis 1) or Y_ij(δ − Y_kj) along the column (axis 0). */
        @Override
        public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
            int n = y.numRows;
            int m = y.numCols;
            int nm = n * m;
            for (int b = 0; b < vbar.col.length; b++) {
                int i = vbar.col[b] / m;
                int j = vbar.col[b] % m;
                double v = vbar.val[b] * y.data[i * m + j];
                if (axis == 1) {
                    for (int k = 0; k < m; k++) {
                        ubar.data[b * nm + i * m + k] += v * ((j == k ? 1 : 0) - y.data[i * m + k]);
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        ubar.data[b * nm + k * m + j] += v * ((i == k ? 1 : 0) - y.data[k * m + j]);
                    }
                }
            }
        }
    }

    /** Exact for generic values: each entry depends on its whole row (axis 1) or column (axis 0). */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return literals[0] == 1
                ? args[0].mapCols(BoolMatrix.full(out.cols, out.cols), out.cols)
                : args[0].mapRows(BoolMatrix.full(out.rows, out.rows), out.rows);
    }

    /** Y = softmax(A, axis): Ā = Y ⊙ (Ȳ − sum(Ȳ ⊙ Y, axis)), the sum broadcast back along the axis. */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr y = c.out();
        return Sym.mul(y, Sym.sub(c.adjoint(), Sym.call("sum", c.adjointTimes(y), c.literal(0))));
    }
}
