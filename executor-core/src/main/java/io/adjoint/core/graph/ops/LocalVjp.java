package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code local_vjp<a>_<op>(Ȳ, A₀, A₁, …, literals…)}: the VJP of {@code op} with respect to its argument a, computed
 * through the op's local Jacobian (Ā = Ȳ · ∂Y/∂A_a by {@code LocalJacobian.vjpAdd}) — the first-order machinery,
 * not the op's symbolic rule. A gradient built from these ({@link io.adjoint.core.graph.Gradients#byLocalJacobians})
 * is the reverse-mode gradient as a graph of its own: central differences of it check second derivatives built from
 * the symbolic rules without trusting them. Values only: it has no derivatives of its own (its local Jacobians refuse).
 * Not listed among the functions; {@link Functions#get} makes one for any op by its name.
 */
public final class LocalVjp implements Function {
    private static final Pattern NAME = Pattern.compile("local_vjp(\\d+)_(.+)");
    private final Function op;
    private final int arg;

    LocalVjp(Function op, int arg) {
        this.op = op;
        this.arg = arg;
    }

    /** The function's name for argument {@code arg} of the op named {@code op}. */
    public static String nameFor(String op, int arg) {
        return io.adjoint.core.graph.Gradients.localVjpName(op, arg);
    }

    /** The function a {@link #nameFor} name stands for, resolved in {@code fns}; null for any other name. */
    static LocalVjp parse(String name, Functions fns) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        Function op = fns.get(m.group(2));
        int a = Integer.parseInt(m.group(1));
        return op == null || a >= op.matrixArity() ? null : new LocalVjp(op, a);
    }

    @Override
    public String name() {
        return nameFor(op.name(), arg);
    }

    @Override
    public int matrixArity() {
        return 1 + op.matrixArity();
    }

    @Override
    public String signature() {
        return name() + "(Ȳ, " + op.signature() + ")";
    }

    private static Shape2[] rest(Shape2[] a) {
        return Arrays.copyOfRange(a, 1, a.length);
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        Shape2 y = op.outputShape(rest(args), literals);
        if (!y.equals(args[0])) {
            throw new IllegalArgumentException("the adjoint is " + args[0] + ", " + op.name() + " gives " + y);
        }
        return args[1 + arg];
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj[] opArgs = Arrays.copyOfRange(args, 1, args.length);
        Evaluated e = op.apply(opArgs, literals);
        DMatrixRMaj ybar = new DMatrixRMaj(1, args[0].getNumElements(), true, args[0].data);
        DMatrixRMaj x = opArgs[arg];
        DMatrixRMaj xbar = new DMatrixRMaj(1, x.getNumElements());
        e.jacobians[arg].vjpAdd(ybar, xbar);
        return new DMatrixRMaj(x.numRows, x.numCols, true, xbar.data);
    }

    /**
     * The value, with local Jacobians that refuse to be used: a derivative of a VJP through a local Jacobian is what
     * the symbolic rules are for. (A forward pass over a graph of these works; a sweep through one does not.)
     */
    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        io.adjoint.core.graph.LocalJacobian[] none = new io.adjoint.core.graph.LocalJacobian[args.length];
        DMatrixRMaj y = value(args, literals);
        for (int i = 0; i < args.length; i++) {
            none[i] = new ValuesOnly(name(), y.getNumElements(), args[i].getNumElements());
        }
        return new Evaluated(y, none);
    }

    /** The local Jacobian of a values-only op: its sizes, and a refusal. */
    private record ValuesOnly(String op, int outSize, int inSize) implements io.adjoint.core.graph.LocalJacobian {
        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            throw refusal();
        }

        @Override
        public DMatrixRMaj dense() {
            throw refusal();
        }

        private UnsupportedOperationException refusal() {
            return new UnsupportedOperationException(
                    op + " has values only (central differences of reverse-mode gradients), no derivatives");
        }
    }
}
