package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;

/** The exponential and the natural logarithm, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class ExpLog {
    private ExpLog() {}

    /** exp(A): y = e^x; ∂y/∂x = y; Ā = Ȳ ⊙ Y. */
    public static final Function EXP =
            new UnaryElementwise("exp", Math::exp, (x, y) -> y, c -> c.adjointTimes(c.out()));

    /** log(A): y = ln x; ∂y/∂x = 1/x (x ≤ 0 gives NaN or −∞, as NumPy); Ā = Ȳ / A. */
    public static final Function LOG =
            new UnaryElementwise("log", Math::log, (x, y) -> 1 / x, c -> c.adjointOver(c.arg(0)));
}
