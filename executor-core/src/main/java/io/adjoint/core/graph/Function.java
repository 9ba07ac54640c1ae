package io.adjoint.core.graph;

import org.ejml.data.DMatrixRMaj;

/**
 * A matrix op callable by name in an expression: forward and local Jacobians in one place.
 *
 * <p>Built-in ops implement this interface, and so can users: put a class implementing it in a jar on
 * the classpath and list it in {@code META-INF/services/io.adjoint.core.graph.Function}; it is found
 * with {@link java.util.ServiceLoader} and called by its {@link #name()}. Implementations must be
 * stateless; their {@link LocalJacobian}s must be {@link java.io.Serializable} (they are broadcast).
 */
public interface Function {
    /** The name used in expressions, e.g. {@code tanh}. */
    String name();

    /** How many leading arguments are matrices; any further arguments must be number literals. */
    int matrixArity();

    /**
     * Whether the op takes any number (≥ {@link #matrixArity}) of matrices: the graph folds
     * {@code f(A, B, C, literals…)} into {@code f(f(A, B, literals…), C, literals…)} ({@code concat}).
     */
    default boolean variadic() {
        return false;
    }

    /**
     * The literals as the graph keeps them, once the argument shapes are known: the default keeps them as written;
     * an op whose literals may be relative or omitted (a slice's bounds) returns explicit ones, so that a call
     * rebuilt from the graph (a printed gradient) says the same thing and parses back.
     */
    default double[] canonicalLiterals(Shape2[] args, double[] literals) {
        return literals;
    }

    /** A usage line for messages, e.g. {@code sum(A[, axis])}. */
    String signature();

    /**
     * The output shape for these argument shapes and literal arguments.
     *
     * @throws IllegalArgumentException with a message saying what is wrong (shapes, literal values or counts)
     */
    Shape2 outputShape(Shape2[] args, double[] literals);

    /** Forward value and one local Jacobian per matrix argument. Arguments are not modified. */
    Evaluated apply(DMatrixRMaj[] args, double[] literals);

    /**
     * The forward value alone, for passes that need no derivative (finite differences): the same numbers as
     * {@code apply(args, literals).value}, which is the default; ops override it to skip building their local
     * Jacobians.
     */
    default DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        return apply(args, literals).value;
    }

    /**
     * Whether this op acts on columns independently, so that batched finite differences may evaluate it once on
     * B perturbed copies laid side by side, [X₁ X₂ … X_B]: with {@code varying[a]} marking the arguments that
     * depend on the perturbed input, f([X₁ … X_B], fixed…) = [f(X₁, fixed…) … f(X_B, fixed…)] through
     * {@link #applyToColumnCopies}. The default, false, is always safe (one forward pass per copy).
     */
    default boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return false;
    }

    /**
     * The forward value on {@code copies} column-concatenated copies of the varying arguments (fixed arguments as
     * they are), for an op that is {@link #columnSeparable}. The default applies the op as is, which is right
     * for ops with no fixed argument that lines up with the copies' columns.
     */
    default DMatrixRMaj applyToColumnCopies(DMatrixRMaj[] args, boolean[] varying, int copies, double[] literals) {
        return value(args, literals);
    }

    /**
     * How dependence passes through this op: given, for each matrix argument a, the structural pattern of ∂a/∂x
     * for the input x being differentiated ({@code args[a]}, empty when a does not depend on x), the pattern of
     * ∂out/∂x. Structure only: values are generic (a product with a fixed matrix mixes along its inner axis).
     * The default is the conservative rule "every output entry depends on every entry of x that any argument
     * depends on" ({@link SparsityPattern#everyOnAll(SparsityPattern[], Shape2)}); ops override it with their exact rule, and a
     * user op that declares nothing is still correct, only less compressed.
     */
    default SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return SparsityPattern.everyOnAll(args, out);
    }

    /**
     * The symbolic VJP rule: for matrix argument {@code arg} of the call {@code c}, the expression, in the op
     * language, of Ā = ∂⟨Ȳ, Y⟩/∂A — of A's shape, built from the call's arguments, its value Y and the adjoint Ȳ
     * ({@link Sym} simplifies as it builds) — or null when Ā is structurally zero. Reverse accumulation of these
     * rules over an expression ({@link Gradients}) gives its gradient as an expression: the Hessian is that
     * expression's Jacobian, a Hessian-vector product its JVP. It must agree with {@link #apply}'s local Jacobian
     * (Ā = Ȳ·∂Y/∂A); the tests check every built-in rule against it and against central differences.
     *
     * <p>The default has no rule: an op without one works for every first-order job, and second order says which
     * op lacks it.
     *
     * @throws UnsupportedOperationException when the op has no rule
     */
    default io.adjoint.core.expr.Expr vjpExpr(int arg, SymbolicCall c) {
        throw new UnsupportedOperationException(name() + " has no symbolic VJP rule (Function.vjpExpr)");
    }
}
