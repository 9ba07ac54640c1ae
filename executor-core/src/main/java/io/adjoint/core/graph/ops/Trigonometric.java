package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Function;

/** Sine and cosine, elementwise ({@link UnaryElementwise}: a diagonal local Jacobian). */
public final class Trigonometric {
    private Trigonometric() {}

    /** sin(A): y = sin x; ∂y/∂x = cos x. */
    public static final Function SIN = new UnaryElementwise("sin", Math::sin, (x, y) -> Math.cos(x));

    /** cos(A): y = cos x; ∂y/∂x = −sin x. */
    public static final Function COS = new UnaryElementwise("cos", Math::cos, (x, y) -> -Math.sin(x));
}
