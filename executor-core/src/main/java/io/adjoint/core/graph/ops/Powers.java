package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/**
 * Square and square root, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian); {@link Pow} takes any
 * literal exponent.
 */
public final class Powers {
    private Powers() {}

    /** square(A): y = x²; ∂y/∂x = 2x; Ā = 2 · (Ȳ ⊙ A). */
    public static final Function SQUARE = new UnaryElementwise(
            "square", x -> x * x, (x, y) -> 2 * x, c -> Sym.mul(Sym.num(2), c.adjointTimes(c.arg(0))));

    /** sqrt(A): y = √x; ∂y/∂x = 1/(2y) (∞ at 0); Ā = 0.5 · (Ȳ / Y). */
    public static final Function SQRT = new UnaryElementwise(
            "sqrt", Math::sqrt, (x, y) -> 0.5 / y, c -> Sym.mul(Sym.num(0.5), c.adjointOver(c.out())));
}
