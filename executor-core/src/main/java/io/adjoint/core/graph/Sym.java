package io.adjoint.core.graph;

import io.adjoint.core.expr.Expr;
import java.util.List;

/**
 * Building expressions for symbolic VJP rules, simplified as they are built so that printed gradients stay
 * readable: products and quotients by 1 vanish, products of numbers fold, {@code -(-A)} is A and {@code A.T.T} is A.
 * Structurally zero terms never reach here (a rule returns null for them). Identical sub-expressions are shared when
 * the result is compiled ({@link Graph#compile} makes one node per distinct sub-expression).
 */
public final class Sym {
    private Sym() {}

    public static Expr num(double v) {
        return Expr.number(v);
    }

    static boolean isNumber(Expr e, double v) {
        return e.kind == Expr.Kind.NUMBER && e.number == v;
    }

    public static Expr add(Expr a, Expr b) {
        return a.plus(b);
    }

    public static Expr sub(Expr a, Expr b) {
        return a.minus(b);
    }

    /** a ⊙ b (broadcasting); a 1 on either side is dropped, numbers fold, a negated side moves out. */
    public static Expr mul(Expr a, Expr b) {
        if (a.kind == Expr.Kind.NUMBER && b.kind == Expr.Kind.NUMBER) {
            return num(a.number * b.number);
        }
        if (isNumber(a, 1)) {
            return b;
        }
        if (isNumber(b, 1)) {
            return a;
        }
        if (isNumber(a, -1)) {
            return neg(b);
        }
        if (isNumber(b, -1)) {
            return neg(a);
        }
        if (b.kind == Expr.Kind.NUMBER) {
            return b.times(a); // numbers first: 2 * A
        }
        return a.times(b);
    }

    /** a / b; a quotient by 1 is a. */
    public static Expr div(Expr a, Expr b) {
        if (isNumber(b, 1)) {
            return a;
        }
        if (a.kind == Expr.Kind.NUMBER && b.kind == Expr.Kind.NUMBER) {
            return num(a.number / b.number);
        }
        return a.div(b);
    }

    /** −a; −(−a) is a, −c a number. */
    public static Expr neg(Expr a) {
        if (a.kind == Expr.Kind.NUMBER) {
            return num(-a.number);
        }
        if (a.kind == Expr.Kind.CALL && a.name.equals("negative")) {
            return a.args.get(0);
        }
        return a.neg();
    }

    public static Expr matmul(Expr a, Expr b) {
        return a.matmul(b);
    }

    /** aᵀ; (aᵀ)ᵀ is a. */
    public static Expr t(Expr a) {
        if (a.kind == Expr.Kind.CALL && a.name.equals("transpose")) {
            return a.args.get(0);
        }
        return a.t();
    }

    /** {@code fn(a, literals…)}. */
    public static Expr call(String fn, Expr a, double... literals) {
        return Expr.call(fn, List.of(a), literals);
    }

    /** {@code fn(a, b, literals…)}. */
    public static Expr call(String fn, Expr a, Expr b, double... literals) {
        return Expr.call(fn, List.of(a, b), literals);
    }

    /**
     * g of shape {@code from} summed over the axes along which a matrix of shape {@code to} was broadcast to
     * {@code from} (NumPy broadcasting: an axis of length 1 repeated): the adjoint of a broadcast read.
     */
    public static Expr unbroadcast(Expr g, Shape2 from, Shape2 to) {
        Expr r = g;
        if (to.rows == 1 && from.rows != 1 && to.cols == 1 && from.cols != 1) {
            return call("sum", r);
        }
        if (to.rows == 1 && from.rows != 1) {
            r = call("sum", r, 0);
        }
        if (to.cols == 1 && from.cols != 1) {
            r = call("sum", r, 1);
        }
        return r;
    }
}
