package io.adjoint.core.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the expression language into an {@link Expr} tree, with Python's precedence and
 * associativity:
 *
 * <pre>
 *   sum     := product (('+' | '-') product)*          lowest, left-associative
 *   product := unary (('*' | '/' | '@') unary)*         left-associative
 *   unary   := '-' unary | '+' unary | power             so - -Z is Z
 *   power   := postfix ('**' unary)?                    right-associative, binds tighter than a sign on its
 *                                                       left: -X ** 2 is -(X ** 2), X ** -1 is X ** (-1)
 *   postfix := atom ('.T' | '[' index (',' index)? ']')*  so -X.T is -(X.T); X[1:, 0] a slice
 *   index   := INT | INT? ':' INT? (':' INT?)?            NumPy's basic slicing, signed integers
 *   atom    := NUMBER | NAME | NAME '(' args ')' | '(' sum ')'
 * </pre>
 * Numbers: {@code 2}, {@code 0.5}, {@code .5}, {@code 1e-3}, {@code 2.5e1}. Errors name the 1-based column.
 */
public final class Parser {
    private final String src;
    private int pos;
    /** Recursion depth of the descent, bounded by {@link Expr#MAX_HEIGHT}. */
    private int nesting = -1; // the top level is not nested: 1000 nested calls are 1000 levels, as Expr counts them

    private Parser(String src) {
        this.src = src;
    }

    public static Expr parse(String src) {
        if (src == null || src.isBlank()) {
            throw new ExpressionException("expression is empty");
        }
        if (src.length() < 256) {
            return new Parser(src).all();
        }
        // the descent recurses a few frames per nesting level: long sources get a stack that holds the deepest
        // tree accepted (Expr.MAX_HEIGHT levels), whatever the caller's thread has
        Expr[] out = new Expr[1];
        RuntimeException[] failed = new RuntimeException[1];
        Thread t = new Thread(
                null,
                () -> {
                    try {
                        out[0] = new Parser(src).all();
                    } catch (RuntimeException e) {
                        failed[0] = e;
                    } catch (StackOverflowError e) {
                        failed[0] = tooDeep(); // cannot happen within MAX_HEIGHT; refused all the same
                    }
                },
                "adjoint-parse",
                64L << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpressionException("interrupted while parsing");
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return out[0];
    }

    private Expr all() {
        Parser p = this;
        Expr e = p.sum();
        p.skipWs();
        if (p.pos < src.length()) {
            char c = src.charAt(p.pos);
            throw p.error(c == ')' ? "unbalanced parenthesis: ')' without '('" : "unexpected '" + c + "'");
        }
        return e;
    }

    private static ExpressionException tooDeep() {
        return new ExpressionException("expression is nested more than " + Expr.MAX_HEIGHT + " levels deep"
                + " (parentheses, calls and unary signs all count); split it into smaller parts");
    }

    private ExpressionException error(String what) {
        return error(what, pos);
    }

    private ExpressionException error(String what, int at) {
        return new ExpressionException("syntax error at column " + (at + 1) + ": " + what + " in '" + src + "'");
    }

    private void skipWs() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        skipWs();
        return pos < src.length() && src.charAt(pos) == c;
    }

    private Expr sum() {
        if (++nesting > Expr.MAX_HEIGHT) {
            throw tooDeep();
        }
        try {
            return sumAtThisLevel();
        } finally {
            nesting--;
        }
    }

    private Expr sumAtThisLevel() {
        skipWs();
        int start = pos;
        Expr left = product();
        while (true) {
            if (peek('+')) {
                pos++;
                left = op("add", left, product(), start);
            } else if (peek('-')) {
                pos++;
                left = op("subtract", left, product(), start);
            } else {
                return left;
            }
        }
    }

    private Expr product() {
        skipWs();
        int start = pos;
        Expr left = unary();
        while (true) {
            if (peek('*')) {
                pos++;
                left = op("multiply", left, unary(), start);
            } else if (peek('/')) {
                pos++;
                left = op("divide", left, unary(), start);
            } else if (peek('@')) {
                pos++;
                left = op("matmul", left, unary(), start);
            } else {
                return left;
            }
        }
    }

    private Expr op(String fn, Expr a, Expr b, int start) {
        return Expr.call(fn, List.of(a, b), src.substring(start, pos).trim(), start + 1);
    }

    private Expr unary() {
        skipWs();
        int start = pos;
        if (peek('-')) {
            pos++;
            if (++nesting > Expr.MAX_HEIGHT) {
                throw tooDeep();
            }
            Expr inner;
            try {
                inner = unary();
            } finally {
                nesting--;
            }
            String text = src.substring(start, pos).trim();
            if (inner.kind == Expr.Kind.NUMBER) {
                return Expr.number(-inner.number, text, start + 1);
            }
            return Expr.call("negative", List.of(inner), text, start + 1);
        }
        while (peek('+')) {
            pos++;
        }
        if (peek('-')) {
            return unary();
        }
        return power();
    }

    /**
     * {@code base ** exponent}: {@code pow(base, c)} when the exponent is a number (negative numbers too), else
     * {@code power(base, exponent)} (any matrix, broadcast as {@code *}).
     */
    private Expr power() {
        skipWs();
        int start = pos;
        Expr base = postfix();
        skipWs();
        if (!(pos + 1 < src.length() && src.charAt(pos) == '*' && src.charAt(pos + 1) == '*')) {
            return base;
        }
        pos += 2;
        if (++nesting > Expr.MAX_HEIGHT) {
            throw tooDeep();
        }
        Expr exponent;
        try {
            exponent = unary();
        } finally {
            nesting--;
        }
        return op(
                exponent.kind == Expr.Kind.NUMBER && base.kind != Expr.Kind.NUMBER ? "pow" : "power",
                base,
                exponent,
                start);
    }

    private Expr postfix() {
        skipWs();
        int start = pos;
        Expr e = atom();
        while (true) {
            skipWs();
            if (pos < src.length() && src.charAt(pos) == '.') {
                if (pos + 1 < src.length()
                        && src.charAt(pos + 1) == 'T'
                        && (pos + 2 >= src.length() || !Character.isJavaIdentifierPart(src.charAt(pos + 2)))) {
                    pos += 2;
                    e = Expr.call(
                            "transpose", List.of(e), src.substring(start, pos).trim(), start + 1);
                    continue;
                }
                throw error("after '.', only T (transpose) is supported");
            }
            if (pos < src.length() && src.charAt(pos) == '[') {
                pos++;
                double[] lit = new double[6];
                index(lit, 0);
                skipWs();
                if (peek(',')) {
                    pos++;
                    index(lit, 3);
                } else {
                    lit[3] = lit[4] = lit[5] = Double.NaN; // A[i] is A[i, :]
                }
                skipWs();
                if (!peek(']')) {
                    throw error(pos >= src.length() ? "'[' is never closed" : "expected ']' after the indices");
                }
                pos++;
                List<Expr> args = new ArrayList<>();
                args.add(e);
                for (double v : lit) {
                    args.add(Expr.number(v, Double.isNaN(v) ? "" : String.valueOf((long) v), start + 1));
                }
                e = Expr.call("slice", args, src.substring(start, pos).trim(), start + 1);
                continue;
            }
            return e;
        }
    }

    /**
     * One index of a subscript into {@code lit[at..at+2]} (start, stop, step; NaN where omitted): {@code i} is
     * {@code i:i+1} (and −1 is {@code -1:}), so a single index keeps the axis.
     */
    private void index(double[] lit, int at) {
        skipWs();
        Double first = signedInt();
        skipWs();
        if (!peek(':')) {
            if (first == null) {
                throw error("expected an index or a slice (start:stop:step)");
            }
            lit[at] = first;
            lit[at + 1] = first == -1 ? Double.NaN : first + 1;
            lit[at + 2] = Double.NaN;
            return;
        }
        pos++;
        skipWs();
        Double stop = signedInt();
        Double step = null;
        skipWs();
        if (peek(':')) {
            pos++;
            skipWs();
            step = signedInt();
        }
        lit[at] = first == null ? Double.NaN : first;
        lit[at + 1] = stop == null ? Double.NaN : stop;
        lit[at + 2] = step == null ? Double.NaN : step;
    }

    /** An optionally signed integer, or null when none is here. */
    private Double signedInt() {
        int s = pos;
        if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
            pos++;
        }
        int digits = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos == digits) {
            if (digits != s) {
                throw error("expected digits after the sign", s);
            }
            return null;
        }
        if (pos < src.length() && (src.charAt(pos) == '.' || Character.isLetter(src.charAt(pos)))) {
            throw error("an index must be a whole number", s);
        }
        return Double.parseDouble(src.substring(s, pos));
    }

    private Expr atom() {
        skipWs();
        if (pos >= src.length()) {
            throw error("expression ends where an operand was expected");
        }
        int start = pos;
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            Expr e = sum();
            if (!peek(')')) {
                throw error(
                        pos >= src.length()
                                ? "unbalanced parenthesis: '(' at column " + (start + 1) + " is never closed"
                                : "expected ')' but found '" + src.charAt(pos) + "'");
            }
            pos++;
            return e;
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            String name = src.substring(start, pos);
            if (peek('(')) {
                pos++;
                List<Expr> args = new ArrayList<>();
                if (!peek(')')) {
                    while (true) {
                        args.add(sum());
                        if (peek(',')) {
                            pos++;
                            continue;
                        }
                        if (peek(')')) {
                            break;
                        }
                        throw error(
                                pos >= src.length()
                                        ? "unbalanced parenthesis: '(' of " + name + " at column " + (start + 1)
                                                + " is never closed"
                                        : "expected ',' or ')' in the arguments of " + name);
                    }
                }
                pos++;
                return Expr.call(name, args, src.substring(start, pos), start + 1);
            }
            return Expr.input(name, name, start + 1);
        }
        if (c == ')') {
            // an operand was expected here: say what the ')' closes too early, not that it has no '('
            int b = pos - 1;
            while (b >= 0 && Character.isWhitespace(src.charAt(b))) {
                b--;
            }
            char before = b < 0 ? ' ' : src.charAt(b);
            throw error(
                    b < 0
                            ? "unbalanced parenthesis: ')' without '('"
                            : before == ','
                                    ? "expected an argument after ',', found ')'"
                                    : before == '('
                                            ? "empty parentheses: expected an expression inside"
                                            : "expected an operand before ')'");
        }
        throw error("unexpected '" + c + "'");
    }

    private Expr number() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '.') {
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= src.length() || !Character.isDigit(src.charAt(pos))) {
                throw error("malformed number '" + src.substring(start, Math.min(src.length(), pos + 1)) + "'", save);
            }
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
            throw error("a name cannot start with a digit", start);
        }
        String t = src.substring(start, pos);
        double v = Double.parseDouble(t);
        if (Double.isInfinite(v)) {
            throw error("number " + t + " is beyond the float64 range (±1.8e308)", start);
        }
        return Expr.number(v, t, start + 1);
    }
}
