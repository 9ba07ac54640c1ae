package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/**
 * Absolute value, negation, sign and step, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). sign
 * and step are the derivatives of abs and relu — what their symbolic VJP rules are made of — and piecewise constant
 * themselves: derivative 0 (PyTorch's convention at the jumps), no structural dependence.
 */
public final class Signs {
    private Signs() {}

    /** abs(A): y = |x|; ∂y/∂x = sign x, 0 at x = 0; Ā = Ȳ ⊙ sign(A). */
    public static final Function ABS = new UnaryElementwise(
            "abs", Math::abs, (x, y) -> Math.signum(x), c -> c.adjointTimes(Sym.call("sign", c.arg(0))));

    /** negative(A): y = −x; ∂y/∂x = −1; Ā = −Ȳ. */
    public static final Function NEGATIVE =
            new UnaryElementwise("negative", x -> -x, (x, y) -> -1, c -> Sym.neg(c.adjoint()));

    /** sign(A): y = −1, 0 or 1 as x is negative, 0 or positive; ∂y/∂x = 0. */
    public static final Function SIGN = UnaryElementwise.constantPieces("sign", Math::signum);

    /** step(A): y = 1 for x > 0, else 0 (relu′, 0 at 0); ∂y/∂x = 0. */
    public static final Function STEP = UnaryElementwise.constantPieces("step", x -> x > 0 ? 1.0 : 0.0);
}
