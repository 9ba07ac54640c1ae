package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/** Hyperbolic sine and cosine, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class Hyperbolic {
    private Hyperbolic() {}

    /** sinh(A): y = (e^x − e^−x)/2; ∂y/∂x = cosh x; Ā = Ȳ ⊙ cosh(A). */
    public static final Function SINH = new UnaryElementwise(
            "sinh", Math::sinh, (x, y) -> Math.cosh(x), c -> c.adjointTimes(Sym.call("cosh", c.arg(0))));

    /** cosh(A): y = (e^x + e^−x)/2; ∂y/∂x = sinh x; Ā = Ȳ ⊙ sinh(A). */
    public static final Function COSH = new UnaryElementwise(
            "cosh", Math::cosh, (x, y) -> Math.sinh(x), c -> c.adjointTimes(Sym.call("sinh", c.arg(0))));
}
