package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/** The exponential and the natural logarithm, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class ExpLog {
    private ExpLog() {}

    /** exp(A): y = e^x; ∂y/∂x = y; Ā = Ȳ ⊙ Y. */
    public static final Function EXP =
            new UnaryElementwise("exp", Math::exp, (x, y) -> y, c -> c.adjointTimes(c.out()));

    /** log(A): y = ln x; ∂y/∂x = 1/x (x ≤ 0 gives NaN or −∞, as NumPy); Ā = Ȳ / A. */
    public static final Function LOG =
            new UnaryElementwise("log", Math::log, (x, y) -> 1 / x, c -> c.adjointOver(c.arg(0)));

    /** log1p(A): y = ln(1 + x), accurate for small x; ∂y/∂x = 1/(1 + x); Ā = Ȳ / (1 + A). */
    public static final Function LOG1P = new UnaryElementwise(
            "log1p", Math::log1p, (x, y) -> 1 / (1 + x), c -> c.adjointOver(Sym.add(Sym.num(1), c.arg(0))));

    /** expm1(A): y = e^x − 1, accurate for small x; ∂y/∂x = e^x = y + 1; Ā = Ȳ ⊙ (Y + 1). */
    public static final Function EXPM1 = new UnaryElementwise(
            "expm1", Math::expm1, (x, y) -> y + 1, c -> c.adjointTimes(Sym.add(c.out(), Sym.num(1))));
}
