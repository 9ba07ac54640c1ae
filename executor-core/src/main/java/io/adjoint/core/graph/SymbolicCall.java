package io.adjoint.core.graph;

import io.adjoint.core.expr.Expr;
import java.util.List;

/**
 * One call of an op as expressions, for its symbolic VJP rule ({@link Function#vjpExpr}): the matrix arguments
 * A₀, A₁, … and their shapes, the number literals, the call's own value Y (so a rule may reuse it: tanh′ = 1 − Y²)
 * and the adjoint Ȳ of Y, an expression of Y's shape.
 */
public final class SymbolicCall {
    private final List<Expr> args;
    private final List<Shape2> argShapes;
    private final double[] literals;
    private final Expr out;
    private final Shape2 outShape;
    private final Expr adjoint;

    public SymbolicCall(
            List<Expr> args, List<Shape2> argShapes, double[] literals, Expr out, Shape2 outShape, Expr adjoint) {
        this.args = List.copyOf(args);
        this.argShapes = List.copyOf(argShapes);
        this.literals = literals.clone();
        this.out = out;
        this.outShape = outShape;
        this.adjoint = adjoint;
    }

    /** Matrix argument {@code i}. */
    public Expr arg(int i) {
        return args.get(i);
    }

    /** The shape of matrix argument {@code i}. */
    public Shape2 argShape(int i) {
        return argShapes.get(i);
    }

    /** Number literal {@code i} (an axis, an exponent). */
    public double literal(int i) {
        return literals[i];
    }

    /** How many number literals the call has. */
    public int literalCount() {
        return literals.length;
    }

    /** Y: the call itself. */
    public Expr out() {
        return out;
    }

    public Shape2 outShape() {
        return outShape;
    }

    /** Ȳ: the adjoint of Y, of Y's shape. */
    public Expr adjoint() {
        return adjoint;
    }

    /**
     * Ȳ ⊙ e for an {@code e} of Y's shape. A Ȳ that is a number repeated to Y's shape ({@code broadcast_like(c, …)},
     * the adjoint a sum passes down) is just that number here, so {@code sum(tanh(X))} prints its gradient as
     * {@code 1 - square(tanh(X))}.
     */
    public Expr adjointTimes(Expr e) {
        Expr c = repeatedNumber(adjoint);
        return c != null ? Sym.mul(c, e) : Sym.mul(adjoint, e);
    }

    /** Ȳ / e for an {@code e} of Y's shape, as {@link #adjointTimes}. */
    public Expr adjointOver(Expr e) {
        Expr c = repeatedNumber(adjoint);
        return c != null ? Sym.div(c, e) : Sym.div(adjoint, e);
    }

    private static Expr repeatedNumber(Expr g) {
        return g.kind == Expr.Kind.CALL && g.name.equals("broadcast_like") && g.args.get(0).kind == Expr.Kind.NUMBER
                ? g.args.get(0)
                : null;
    }

    /** Ȳ summed over the axes along which argument {@code i} was broadcast to Y's shape: Ā of a broadcast read. */
    public Expr unbroadcastTo(int i, Expr ybar) {
        return Sym.unbroadcast(ybar, outShape, argShapes.get(i));
    }
}
