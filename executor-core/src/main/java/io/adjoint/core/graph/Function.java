package io.adjoint.core.graph;

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

    /** A usage line for messages, e.g. {@code sum(A[, axis])}. */
    String signature();

    /**
     * The output shape for these argument shapes and literal arguments.
     *
     * @throws IllegalArgumentException with a message saying what is wrong (shapes, literal values or counts)
     */
    Shape2 outputShape(Shape2[] args, double[] literals);

    /** Forward value and one local Jacobian per matrix argument. Arguments are not modified. */
    Evaluated apply(org.ejml.data.DMatrixRMaj[] args, double[] literals);
}
