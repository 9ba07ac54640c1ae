package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Sym;

/**
 * The activations: elementwise (see {@link UnaryElementwise} for the shared diagonal rule), each with its derivative.
 */
public final class Activations {
    private Activations() {}

    /** tanh(A): y = tanh(x), ∂y/∂x = 1 − y² (from the output); Ā = Ȳ ⊙ (1 − square(Y)). */
    public static final Function TANH = new UnaryElementwise(
            "tanh",
            Math::tanh,
            (x, y) -> 1 - y * y,
            c -> c.adjointTimes(Sym.sub(Sym.num(1), Sym.call("square", c.out()))));

    /** sigmoid(A): y = 1 / (1 + e^−x), evaluated without overflow on either side; ∂y/∂x = y(1 − y). */
    public static final Function SIGMOID = new UnaryElementwise(
            "sigmoid",
            x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)),
            (x, y) -> y * (1 - y),
            c -> c.adjointTimes(Sym.mul(c.out(), Sym.sub(Sym.num(1), c.out()))));

    /** relu(A): y = max(x, 0); ∂y/∂x = 1 for x > 0, else 0 (0 at x = 0, as PyTorch); Ā = Ȳ ⊙ step(A). */
    public static final Function RELU = new UnaryElementwise(
            "relu", x -> x > 0 ? x : 0.0, (x, y) -> x > 0 ? 1 : 0, c -> c.adjointTimes(Sym.call("step", c.arg(0))));

    /**
     * softplus(A): y = ln(1 + e^x), as x + log1p(e^−x) for x > 0 and log1p(e^x) otherwise (no overflow); ∂y/∂x =
     * sigmoid(x); Ā = Ȳ ⊙ sigmoid(A). As {@code torch.nn.functional.softplus} with beta 1 and no threshold.
     */
    public static final Function SOFTPLUS = new UnaryElementwise(
            "softplus",
            x -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)),
            (x, y) -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)),
            c -> c.adjointTimes(Sym.call("sigmoid", c.arg(0))));

    /**
     * log_sigmoid(A): y = ln sigmoid(x) = −softplus(−x), without overflow; ∂y/∂x = sigmoid(−x) = 1 − sigmoid(x);
     * Ā = Ȳ ⊙ sigmoid(−A).
     */
    public static final Function LOG_SIGMOID = new UnaryElementwise(
            "log_sigmoid",
            x -> x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x)),
            (x, y) -> x <= 0 ? 1 / (1 + Math.exp(x)) : Math.exp(-x) / (1 + Math.exp(-x)),
            c -> c.adjointTimes(Sym.call("sigmoid", Sym.neg(c.arg(0)))));
}
