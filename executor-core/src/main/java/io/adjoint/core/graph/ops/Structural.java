package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.jac.Inverse;
import io.adjoint.core.graph.jac.MatmulLeft;
import io.adjoint.core.graph.jac.MatmulRight;
import io.adjoint.core.graph.jac.Reduce;
import io.adjoint.core.graph.jac.Softmax;
import io.adjoint.core.graph.jac.Trace;
import io.adjoint.core.graph.jac.Transpose;
import io.adjoint.core.linalg.Gemm;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** The non-elementwise built-ins: matmul, transpose, sum, mean, trace, inv, softmax. */
final class Structural {
    private Structural() {
    }

    static Function[] all() {
        return new Function[] {new Matmul(), new TransposeFn(), new SumFn("sum", false), new SumFn("mean", true),
            new TraceFn(), new InvFn(), new SoftmaxFn()};
    }

    static Shape2 shape(DMatrixRMaj x) {
        return new Shape2(x.numRows, x.numCols);
    }

    static void noLiterals(String name, String sig, double[] lit) {
        if (lit.length != 0) {
            throw new IllegalArgumentException(name + " takes no number arguments: " + sig);
        }
    }

    /** {@code A @ B}: Y_ij = Σ_k A_ik B_kj through dgemm; ∂Y/∂A = I ⊗ Bᵀ, ∂Y/∂B = A ⊗ I. */
    static final class Matmul implements Function {
        public String name() {
            return "matmul";
        }

        public int matrixArity() {
            return 2;
        }

        public String signature() {
            return "A @ B";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            noLiterals(name(), signature(), lit);
            if (a[0].cols != a[1].rows) {
                throw new IllegalArgumentException("shape mismatch: " + a[0] + " @ " + a[1] + ": inner dimensions "+ a[0].cols + " and "
                        + a[1].rows + " differ");
            }
            return new Shape2(a[0].rows, a[1].cols);
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj y = new DMatrixRMaj(a[0].numRows, a[1].numCols);
            Gemm.mult(1.0, a[0], a[1], 0.0, y);
            return new Evaluated(y, new MatmulLeft(a[0].numRows, a[1]), new MatmulRight(a[0], a[1].numCols));
        }
    }

    /** {@code A.T}: a permutation. */
    static final class TransposeFn implements Function {
        public String name() {
            return "transpose";
        }

        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return "A.T";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            noLiterals(name(), signature(), lit);
            return new Shape2(a[0].cols, a[0].rows);
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj y = new DMatrixRMaj(a[0].numCols, a[0].numRows);
            CommonOps_DDRM.transpose(a[0], y);
            return new Evaluated(y, new Transpose(shape(a[0])));
        }
    }

    /** sum(A) → 1×1, sum(A, 0) → 1×m, sum(A, 1) → n×1; mean likewise divided by the count. */
    static final class SumFn implements Function {
        private final String name;
        private final boolean mean;

        SumFn(String name, boolean mean) {
            this.name = name;
            this.mean = mean;
        }

        public String name() {
            return name;
        }

        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return name + "(A), " + name + "(A, 0) or " + name + "(A, 1)";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            if (lit.length == 0) {
                return new Shape2(1, 1);
            }
            if (lit.length == 1 && lit[0] == 0) {
                return new Shape2(1, a[0].cols);
            }
            if (lit.length == 1 && lit[0] == 1) {
                return new Shape2(a[0].rows, 1);
            }
            throw new IllegalArgumentException("axis must be 0 or 1 for a 2-D matrix, got "
                    + (lit.length == 1 ? fmt(lit[0]) : lit.length + " numbers") + ": " + signature());
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            Shape2 in = shape(a[0]);
            Shape2 out = outputShape(new Shape2[] {in}, lit);
            double count = (double) in.size() / out.size();
            double s = mean ? 1.0 / count : 1.0;
            DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    y.data[(out.rows == 1 ? 0 : i) * out.cols + (out.cols == 1 ? 0 : j)] += s * a[0].get(i, j);
                }
            }
            return new Evaluated(y, new Reduce(in, out, s));
        }
    }

    /** trace(A) = Σ_i A_ii → 1×1 (over min(n, m), as NumPy). */
    static final class TraceFn implements Function {
        public String name() {
            return "trace";
        }

        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return "trace(A)";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            noLiterals(name(), signature(), lit);
            return new Shape2(1, 1);
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj y = new DMatrixRMaj(1, 1);
            for (int i = 0; i < Math.min(a[0].numRows, a[0].numCols); i++) {
                y.data[0] += a[0].get(i, i);
            }
            return new Evaluated(y, new Trace(shape(a[0])));
        }
    }

    /** inv(A) for square A; ∂Y/∂A = −(Y ⊗ Yᵀ), VJP −Yᵀ·Ȳ·Yᵀ. */
    static final class InvFn implements Function {
        public String name() {
            return "inv";
        }

        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return "inv(A) with A square";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            noLiterals(name(), signature(), lit);
            if (a[0].rows != a[0].cols) {
                throw new IllegalArgumentException("shape mismatch: inv needs a square matrix, got " + a[0]);
            }
            return a[0];
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj y = a[0].copy();
            if (!CommonOps_DDRM.invert(y)) {
                throw new IllegalArgumentException("matrix is singular");
            }
            for (double v : y.data) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("matrix is singular");
                }
            }
            return new Evaluated(y, new Inverse(y));
        }
    }

    /** softmax(A, 1) along each row, softmax(A, 0) along each column; computed stably (max subtracted). */
    static final class SoftmaxFn implements Function {
        public String name() {
            return "softmax";
        }

        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return "softmax(A, 1) (rows) or softmax(A, 0) (columns)";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            if (lit.length != 1 || (lit[0] != 0 && lit[0] != 1)) {
                throw new IllegalArgumentException("softmax needs an axis 0 or 1: " + signature());
            }
            return a[0];
        }

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
            return new Evaluated(y, new Softmax(y, axis));
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
