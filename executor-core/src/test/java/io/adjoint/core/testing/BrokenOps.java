package io.adjoint.core.testing;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Elementwise;
import org.ejml.data.DMatrixRMaj;

/**
 * User ops with deliberately wrong VJPs, for gradcheck tests (registered through META-INF/services):
 * {@code wrong_entry(A)} is sin(A) whose derivative is off by +1 at flattened entry 5 only;
 * {@code wrong_transpose(A)} is Aᵀ whose VJP forgets to transpose; {@code wrong_scale(A)} is A² with
 * derivative 4A instead of 2A.
 */
public final class BrokenOps {
    private BrokenOps() {}

    abstract static class Base implements Function {
        public int matrixArity() {
            return 1;
        }

        public String signature() {
            return name() + "(A)";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            return a[0];
        }
    }

    /**
     * sin(A) with the right local Jacobian (cos A) and a wrong symbolic VJP rule, Ā = Ȳ ⊙ cos(2A): every first-order
     * job is right, second order is not — what a second-order check must catch.
     */
    public static final class WrongRule extends Base {
        public String name() {
            return "wrong_rule";
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            return io.adjoint.core.graph.ops.Trigonometric.SIN.apply(a, lit); // sin's value and local Jacobian
        }

        @Override
        public io.adjoint.core.expr.Expr vjpExpr(int arg, io.adjoint.core.graph.SymbolicCall c) {
            return io.adjoint.core.graph.Sym.mul(
                    c.adjoint(),
                    io.adjoint.core.graph.Sym.call(
                            "cos", io.adjoint.core.graph.Sym.mul(io.adjoint.core.graph.Sym.num(2), c.arg(0))));
        }
    }

    /** sin(A), derivative wrong at entry 5. */
    public static final class WrongEntry extends Base {
        public String name() {
            return "wrong_entry";
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj x = a[0];
            DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
            double[] d = new double[x.getNumElements()];
            for (int i = 0; i < d.length; i++) {
                y.data[i] = Math.sin(x.data[i]);
                d[i] = Math.cos(x.data[i]) + (i == 5 ? 1.0 : 0.0);
            }
            return new Evaluated(y, Elementwise.diagonal(new Shape2(x.numRows, x.numCols), d));
        }
    }

    /** Aᵀ with an identity VJP (should be a transposition). */
    public static final class WrongTranspose extends Base {
        public String name() {
            return "wrong_transpose";
        }

        public Shape2 outputShape(Shape2[] a, double[] lit) {
            return new Shape2(a[0].cols, a[0].rows);
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj y = new DMatrixRMaj(a[0].numCols, a[0].numRows);
            org.ejml.dense.row.CommonOps_DDRM.transpose(a[0], y);
            int n = a[0].getNumElements();
            return new Evaluated(y, new IdentityVjp(n));
        }
    }

    /** The wrong local Jacobian of {@link WrongTranspose}: the identity. */
    static final class IdentityVjp implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final int n;

        IdentityVjp(int n) {
            this.n = n;
        }

        public int outSize() {
            return n;
        }

        public int inSize() {
            return n;
        }

        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            for (int i = 0; i < vbar.getNumElements(); i++) {
                ubar.data[i] += vbar.data[i];
            }
        }

        public DMatrixRMaj dense() {
            return org.ejml.dense.row.CommonOps_DDRM.identity(n);
        }
    }

    /** A² with derivative 4A. */
    public static final class WrongScale extends Base {
        public String name() {
            return "wrong_scale";
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj x = a[0];
            DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
            double[] d = new double[x.getNumElements()];
            for (int i = 0; i < d.length; i++) {
                y.data[i] = x.data[i] * x.data[i];
                d[i] = 4 * x.data[i];
            }
            return new Evaluated(y, Elementwise.diagonal(new Shape2(x.numRows, x.numCols), d));
        }
    }

    /**
     * sin(A), declared elementwise (its pattern is the identity), whose VJP also leaks 0.5·v̄ of flattened entry 5
     * into entry 9: a derivative where the declared structure has none.
     */
    public static final class Leaky extends Base {
        public String name() {
            return "leaky";
        }

        public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
            DMatrixRMaj x = a[0];
            DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
            DMatrixRMaj j = new DMatrixRMaj(x.getNumElements(), x.getNumElements());
            for (int i = 0; i < x.getNumElements(); i++) {
                y.data[i] = Math.sin(x.data[i]);
                j.set(i, i, Math.cos(x.data[i]));
            }
            j.set(5, 9, 0.5);
            return new Evaluated(y, new io.adjoint.core.graph.Tape.DenseLocalJacobian(j));
        }

        @Override
        public io.adjoint.core.graph.SparsityPattern dependence(
                io.adjoint.core.graph.SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
            return args[0];
        }
    }
}
