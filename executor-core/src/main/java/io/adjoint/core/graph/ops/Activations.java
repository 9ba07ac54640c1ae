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
}
