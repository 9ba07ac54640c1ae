package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * max, min, logsumexp and norm (Frobenius / 2-norm) of a matrix: whole (→ 1×1), along axis 0 (→ 1×m, per column) or
 * axis 1 (→ n×1, per row), as {@code torch.amax}, {@code torch.amin}, {@code torch.logsumexp},
 * {@code torch.linalg.norm} (Frobenius, or the vector 2-norm along a dim). Each output y_g reduces a group g of entries (all,
 * a column or a row), and its local Jacobian is one weight per input entry, w_ij = ∂y_g/∂a_ij:
 * <ul>
 *   <li>max / min: w = 1/k on each of the k entries equal to the extreme, 0 elsewhere — ties share the gradient
 *       equally, as {@code torch.amax}. Rule: with M = 1 − sign(broadcast_like(Y, A) − A) (max; 1 − sign(A − ·) for
 *       min), the indicator of the extremes, Ā = broadcast_like(Ȳ / sum(M, axis), A) * M.</li>
 *   <li>logsumexp: y = m + log Σ exp(a − m) with m the group's max (no overflow); w = exp(a − y), the softmax of the
 *       group. Rule: Ā = broadcast_like(Ȳ, A) * exp(A − broadcast_like(Y, A)).</li>
 * </ul>
 * VJP Ā[b, ij] = w_ij · Ȳ[b, g(ij)], JVP Ẏ[b, g] = Σ_{ij ∈ g} w_ij Ȧ[b, ij]: O(B·size) each. The pattern is the
 * group's (as sum's): exact for logsumexp and norm, a superset for max and min (only the extremes are non-zero).
 */
public final class Reductions implements Function {
    private final String name;

    private Reductions(String name) {
        this.name = name;
    }

    public static final Function MAX = new Reductions("max");
    public static final Function MIN = new Reductions("min");
    public static final Function LOGSUMEXP = new Reductions("logsumexp");
    public static final Function NORM = new Reductions("norm");

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
        if (a[0].size() == 0) {
            throw new IllegalArgumentException(name + " of an empty matrix " + a[0]);
        }
        return Sum.reduced(a[0], lit, signature());
    }

    private static int group(Shape2 out, int i, int j) {
        return (out.rows == 1 ? 0 : i) * out.cols + (out.cols == 1 ? 0 : j);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 in = OpArgs.shape(a[0]);
        Shape2 out = outputShape(new Shape2[] {in}, lit);
        double[] x = a[0].data;
        boolean isMin = name.equals("min");
        double[] ext = new double[out.size()];
        java.util.Arrays.fill(ext, isMin ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        for (int i = 0; i < in.rows; i++) {
            for (int j = 0; j < in.cols; j++) {
                int g = group(out, i, j);
                double v = x[i * in.cols + j];
                ext[g] = isMin ? Math.min(ext[g], v) : Math.max(ext[g], v);
            }
        }
        double[] w = new double[in.size()];
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        if (name.equals("norm")) {
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    double v = x[i * in.cols + j];
                    y.data[group(out, i, j)] += v * v;
                }
            }
            for (int g = 0; g < out.size(); g++) {
                y.data[g] = Math.sqrt(y.data[g]);
            }
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    double n = y.data[group(out, i, j)];
                    w[i * in.cols + j] = n == 0 ? 0 : x[i * in.cols + j] / n;
                }
            }
        } else if (name.equals("logsumexp")) {
            double[] s = new double[out.size()];
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    int g = group(out, i, j);
                    s[g] += Double.isInfinite(ext[g]) ? 0 : Math.exp(x[i * in.cols + j] - ext[g]);
                }
            }
            for (int g = 0; g < s.length; g++) {
                y.data[g] = Double.isInfinite(ext[g]) ? ext[g] : ext[g] + Math.log(s[g]);
            }
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    w[i * in.cols + j] = Math.exp(x[i * in.cols + j] - y.data[group(out, i, j)]);
                }
            }
        } else {
            int[] ties = new int[out.size()];
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    int g = group(out, i, j);
                    if (x[i * in.cols + j] == ext[g]) {
                        ties[g]++;
                    }
                }
            }
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    int g = group(out, i, j);
                    w[i * in.cols + j] = x[i * in.cols + j] == ext[g] ? 1.0 / ties[g] : 0;
                }
            }
            System.arraycopy(ext, 0, y.data, 0, ext.length);
        }
        return new Evaluated(y, new Jacobian(in, out, w));
    }

    /** Along columns (axis 0) each column is reduced alone: column-separable. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return literals.length == 1 && literals[0] == 0;
    }

    /** ∂y_g/∂a_ij = w_ij for ij in group g. */
    static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final Shape2 in;
        private final Shape2 out;
        private final double[] w;

        Jacobian(Shape2 in, Shape2 out, double[] w) {
            this.in = in;
            this.out = out;
            this.w = w;
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
            int os = out.size();
            int is = in.size();
            for (int b = 0; b < vbar.numRows; b++) {
                for (int i = 0; i < in.rows; i++) {
                    for (int j = 0; j < in.cols; j++) {
                        int k = i * in.cols + j;
                        if (w[k] != 0) {
                            ubar.data[b * is + k] += w[k] * vbar.data[b * os + group(out, i, j)];
                        }
                    }
                }
            }
        }

        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int os = out.size();
            int is = in.size();
            for (int b = 0; b < udot.numRows; b++) {
                for (int i = 0; i < in.rows; i++) {
                    for (int j = 0; j < in.cols; j++) {
                        int k = i * in.cols + j;
                        vdot.data[b * os + group(out, i, j)] += w[k] * udot.data[b * is + k];
                    }
                }
            }
        }

        @Override
        public DMatrixRMaj dense() {
            DMatrixRMaj d = new DMatrixRMaj(out.size(), in.size());
            for (int i = 0; i < in.rows; i++) {
                for (int j = 0; j < in.cols; j++) {
                    d.set(group(out, i, j), i * in.cols + j, w[i * in.cols + j]);
                }
            }
            return d;
        }
    }

    /** Each output depends on its group: a column, a row, or all (as sum's). */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return Sum.reducedPattern(args[0], argShapes[0], out);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr a = c.arg(0);
        Expr yb = Sym.call("broadcast_like", c.out(), a);
        if (name.equals("norm")) {
            return Sym.mul(a, Sym.call("broadcast_like", Sym.div(c.adjoint(), c.out()), a));
        }
        if (name.equals("logsumexp")) {
            return Sym.mul(Sym.call("broadcast_like", c.adjoint(), a), Sym.call("exp", Sym.sub(a, yb)));
        }
        Expr diff = name.equals("max") ? Sym.sub(yb, a) : Sym.sub(a, yb);
        Expr mask = Sym.sub(Sym.num(1), Sym.call("sign", diff));
        double[] axis = new double[c.literalCount()];
        for (int i = 0; i < axis.length; i++) {
            axis[i] = c.literal(i);
        }
        Expr count = Sym.call("sum", mask, axis);
        return Sym.mul(Sym.call("broadcast_like", Sym.div(c.adjoint(), count), a), mask);
    }
}
