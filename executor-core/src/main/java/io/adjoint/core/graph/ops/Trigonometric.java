package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/** Sine, cosine, tangent and arctangent, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class Trigonometric {
    private Trigonometric() {}

    /** sin(A): y = sin x; ∂y/∂x = cos x; Ā = Ȳ ⊙ cos(A). */
    public static final Function SIN = new UnaryElementwise(
            "sin", Math::sin, (x, y) -> Math.cos(x), c -> c.adjointTimes(Sym.call("cos", c.arg(0))));

    /** cos(A): y = cos x; ∂y/∂x = −sin x; Ā = −(Ȳ ⊙ sin(A)). */
    public static final Function COS = new UnaryElementwise(
            "cos", Math::cos, (x, y) -> -Math.sin(x), c -> Sym.neg(c.adjointTimes(Sym.call("sin", c.arg(0)))));

    /** tan(A): y = tan x; ∂y/∂x = 1 + y²; Ā = Ȳ ⊙ (1 + square(Y)). */
    public static final Function TAN = new UnaryElementwise(
            "tan",
            Math::tan,
            (x, y) -> 1 + y * y,
            c -> c.adjointTimes(Sym.add(Sym.num(1), Sym.call("square", c.out()))));

    /** atan(A): y = arctan x ∈ (−π/2, π/2); ∂y/∂x = 1/(1 + x²); Ā = Ȳ / (1 + square(A)). */
    public static final Function ATAN = new UnaryElementwise(
            "atan",
            Math::atan,
            (x, y) -> 1 / (1 + x * x),
            c -> c.adjointOver(Sym.add(Sym.num(1), Sym.call("square", c.arg(0)))));
}
