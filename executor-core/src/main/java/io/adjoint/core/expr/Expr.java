package io.adjoint.core.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * An expression tree: inputs by name, number literals, and calls of named functions (operators are
 * calls too: {@code A @ B} is {@code matmul(A, B)}, {@code A + B} is {@code add}, {@code -A} is
 * {@code negative}, {@code A.T} is {@code transpose}). Built by {@link Parser#parse} or from Java:
 *
 * <pre>
 *   Expr x = Expr.input("X"), w1 = Expr.input("W1"), b1 = Expr.input("b1");
 *   Expr h = w1.matmul(x).plus(b1).call("tanh");
 *   Expr loss = Expr.call("sum", List.of(h.times(h)), 1);   // sum(h * h, 1)
 * </pre>
 * Each node remembers the source text and column it came from, for error messages.
 */
public final class Expr {
    /** Node kinds. */
    public enum Kind {
        INPUT,
        NUMBER,
        CALL
    }

    public final Kind kind;
    /** Input name or function name. */
    public final String name;

    public final double number;
    /** Arguments of a call, matrices first, then number literals (split by the function's matrix arity). */
    public final List<Expr> args;
    /** Source text of this sub-expression (rebuilt for trees made in Java). */
    public final String text;
    /** 1-based column where it starts in the source, or 0 for trees made in Java. */
    public final int column;
    /** Built with an operator in Java ({@link #plus}, …): its text is wrapped whole in parentheses. */
    private final boolean wrapped;
    /** Levels of calls below and including this node: 0 for inputs and numbers. */
    public final int height;

    /**
     * The deepest expression accepted: every pass over a tree recurses once per level, and this many levels fit the
     * default thread stack with room to spare. Deeper trees (a parenthesis, call or operator nested more often, or a
     * chain of more operators, e.g. a 1002-term sum) are refused with a one-line error; 1000 nested calls or a
     * 1001-term sum are accepted.
     */
    public static final int MAX_HEIGHT = 1000;

    private Expr(Kind kind, String name, double number, List<Expr> args, String text, int column) {
        this(kind, name, number, args, text, column, false);
    }

    private Expr(Kind kind, String name, double number, List<Expr> args, String text, int column, boolean wrapped) {
        this.wrapped = wrapped;
        this.kind = kind;
        this.name = name;
        this.number = number;
        this.args = args;
        this.text = text;
        this.column = column;
        int h = 0;
        for (Expr a : args) {
            h = Math.max(h, a.height + 1);
        }
        this.height = h;
        if (h > MAX_HEIGHT) {
            throw new ExpressionException("expression is nested more than " + MAX_HEIGHT + " levels deep (calls,"
                    + " parentheses and chained operators such as a long sum all count); split it into smaller parts");
        }
    }

    static Expr input(String name, String text, int column) {
        return new Expr(Kind.INPUT, name, 0, List.of(), text, column);
    }

    static Expr number(double v, String text, int column) {
        return new Expr(Kind.NUMBER, null, v, List.of(), text, column);
    }

    static Expr call(String fn, List<Expr> args, String text, int column) {
        return new Expr(Kind.CALL, fn, 0, List.copyOf(args), text, column);
    }

    // ---- Java builder API ----

    public static Expr input(String name) {
        return input(name, name, 0);
    }

    public static Expr number(double v) {
        return number(v, format(v), 0);
    }

    /** {@code fn(args..., literals...)}: number literals (an axis, an exponent) come after the matrices. */
    public static Expr call(String fn, List<Expr> args, double... literals) {
        List<Expr> all = new ArrayList<>(args);
        for (double l : literals) {
            all.add(number(l));
        }
        List<String> parts = new ArrayList<>();
        for (Expr a : all) {
            parts.add(a.bare());
        }
        return call(fn, all, fn + "(" + String.join(", ", parts) + ")", 0);
    }

    public Expr call(String fn, double... literals) {
        return call(fn, List.of(this), literals);
    }

    private Expr binary(String fn, String op, Expr other) {
        return new Expr(
                Kind.CALL, fn, 0, List.of(this, other), "(" + text + " " + op + " " + other.text + ")", 0, true);
    }

    /** The text as an argument of a call: an operator's own outer parentheses dropped ({@code tanh(W @ X)}). */
    private String bare() {
        return wrapped ? text.substring(1, text.length() - 1) : text;
    }

    public Expr plus(Expr o) {
        return binary("add", "+", o);
    }

    public Expr minus(Expr o) {
        return binary("subtract", "-", o);
    }

    public Expr times(Expr o) {
        return binary("multiply", "*", o);
    }

    public Expr div(Expr o) {
        return binary("divide", "/", o);
    }

    public Expr matmul(Expr o) {
        return binary("matmul", "@", o);
    }

    public Expr neg() {
        return call("negative", List.of(this), "-" + text, 0);
    }

    public Expr t() {
        return call("transpose", List.of(this), text + ".T", 0);
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return text;
    }
}
