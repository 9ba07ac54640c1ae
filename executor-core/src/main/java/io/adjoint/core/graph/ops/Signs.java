package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;

/** Absolute value and negation, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class Signs {
    private Signs() {}

    /** abs(A): y = |x|; ∂y/∂x = sign x, 0 at x = 0. */
    public static final Function ABS = new UnaryElementwise("abs", Math::abs, (x, y) -> Math.signum(x));

    /** negative(A): y = −x; ∂y/∂x = −1. */
    public static final Function NEGATIVE = new UnaryElementwise("negative", x -> -x, (x, y) -> -1);
}
