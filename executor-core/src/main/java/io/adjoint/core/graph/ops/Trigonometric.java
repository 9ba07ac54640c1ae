package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/** Sine and cosine, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class Trigonometric {
    private Trigonometric() {}

    /** sin(A): y = sin x; ∂y/∂x = cos x; Ā = Ȳ ⊙ cos(A). */
    public static final Function SIN = new UnaryElementwise(
            "sin", Math::sin, (x, y) -> Math.cos(x), c -> c.adjointTimes(Sym.call("cos", c.arg(0))));

    /** cos(A): y = cos x; ∂y/∂x = −sin x; Ā = −(Ȳ ⊙ sin(A)). */
    public static final Function COS = new UnaryElementwise(
            "cos", Math::cos, (x, y) -> -Math.sin(x), c -> Sym.neg(c.adjointTimes(Sym.call("sin", c.arg(0)))));
}
