package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.FunctionLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The functions an expression can call: the built-ins, plus every {@link Function} found with
 * {@link ServiceLoader} on the classpath (a built-in name cannot be replaced).
 */
public final class Functions implements FunctionLookup {
    private final Map<String, Function> byName = new TreeMap<>();

    private Functions() {}

    /** The built-in functions only. */
    public static List<Function> builtins() {
        List<Function> l = new ArrayList<>();
        l.addAll(List.of(Activations.TANH, Activations.SIGMOID, Activations.RELU));
        l.addAll(List.of(ExpLog.EXP, ExpLog.LOG, Trigonometric.SIN, Trigonometric.COS));
        l.addAll(List.of(Powers.SQRT, Powers.SQUARE, Signs.ABS, Signs.NEGATIVE, Signs.SIGN, Signs.STEP));
        l.addAll(List.of(ExpLog.LOG1P, ExpLog.EXPM1, Activations.SOFTPLUS, Activations.LOG_SIGMOID));
        l.addAll(List.of(Trigonometric.TAN, Trigonometric.ATAN, Hyperbolic.SINH, Hyperbolic.COSH, Erf.ERF));
        l.add(new Pow());
        l.addAll(List.of(BroadcastBinary.all()));
        l.addAll(List.of(
                new Matmul(),
                new Transpose(),
                new Sum("sum", false),
                new Sum("mean", true),
                new Trace(),
                new Inverse(),
                new Softmax(),
                new BroadcastLike(),
                new EyeLike(),
                new Solve(),
                Determinants.LOGDET,
                Determinants.DET,
                new Cholesky(),
                new TriSolve(),
                new Tril(),
                Reductions.MAX,
                Reductions.MIN,
                Reductions.LOGSUMEXP,
                Reductions.NORM,
                Slicing.SLICE,
                Slicing.UNSLICE,
                new Concat(),
                new Reshape(),
                new Diag(),
                new Kron(),
                Constants.EYE,
                Constants.ONES,
                Constants.ZEROS));
        return l;
    }

    /** Built-ins and the user's functions visible to {@code loader}. */
    public static Functions load(ClassLoader loader) {
        Functions f = new Functions();
        for (Function b : builtins()) {
            f.byName.put(b.name(), b);
        }
        for (Function user : ServiceLoader.load(Function.class, loader)) {
            f.byName.putIfAbsent(user.name(), user);
        }
        return f;
    }

    /** Built-ins and the user's functions on the context class path. */
    public static Functions standard() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : Functions.class.getClassLoader());
    }

    /** The function called {@code name}; also {@code local_vjp<a>_<op>} for any op ({@link LocalVjp}). */
    @Override
    public Function get(String name) {
        Function f = byName.get(name);
        return f != null || !name.startsWith("local_vjp") ? f : LocalVjp.parse(name, this);
    }

    /** Names callable as {@code name(...)} in an expression, sorted; operator-only names included. */
    @Override
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
