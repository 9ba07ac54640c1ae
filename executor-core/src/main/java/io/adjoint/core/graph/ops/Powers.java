package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;

/**
 * Square and square root, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian); {@link Pow} takes any
 * literal exponent.
 */
public final class Powers {
    private Powers() {}

    /** square(A): y = x²; ∂y/∂x = 2x. */
    public static final Function SQUARE = new UnaryElementwise("square", x -> x * x, (x, y) -> 2 * x);

    /** sqrt(A): y = √x; ∂y/∂x = 1/(2y) (∞ at 0). */
    public static final Function SQRT = new UnaryElementwise("sqrt", Math::sqrt, (x, y) -> 0.5 / y);
}
