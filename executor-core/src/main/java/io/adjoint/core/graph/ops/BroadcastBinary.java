package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code A + B}, {@code A - B}, {@code A * B}, {@code A / B}, {@code A ** B} ({@code power}), {@code maximum(A, B)},
 * {@code minimum(A, B)} with 2-D NumPy broadcasting: each axis is equal or 1 in one operand. Local derivatives,
 * elementwise over the output (then summed over broadcast axes by {@link Elementwise}): add (1, 1), subtract (1, −1),
 * multiply (b, a), divide (1/b, −a/b²), power (b·a^(b−1), a^b·ln a — 0 for the exponent where a = 0 and b ≥ 0, and
 * for the base where b = 0, as PyTorch; NaN for the exponent where a < 0), maximum (1, 0) where a > b, (0, 1) where
 * a < b and (½, ½) at ties, as {@code torch.maximum}; minimum alike.
 */
public final class BroadcastBinary implements Function {
    private final String name;
    private final char op;

    BroadcastBinary(String name, char op) {
        this.name = name;
        this.op = op;
    }

    static BroadcastBinary[] all() {
        return new BroadcastBinary[] {
            new BroadcastBinary("add", '+'),
            new BroadcastBinary("subtract", '-'),
            new BroadcastBinary("multiply", '*'),
            new BroadcastBinary("divide", '/'),
            new BroadcastBinary("power", '^'),
            new BroadcastBinary("maximum", '>'),
            new BroadcastBinary("minimum", '<')
        };
    }

    /** The operator symbol, for messages. */
    public char symbol() {
        return op;
    }

    /** Whether the op is written as an infix operator ({@code A op B}), not a call. */
    private boolean infix() {
        return op == '+' || op == '-' || op == '*' || op == '/' || op == '^';
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return op == '^' ? "A ** B" : infix() ? "A " + op + " B" : name + "(A, B)";
    }

    static int broadcastDim(int a, int b) {
        if (a == b || b == 1) {
            return a;
        }
        if (a == 1) {
            return b;
        }
        return -1;
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        Shape2 a = args[0];
        Shape2 b = args[1];
        int r = broadcastDim(a.rows, b.rows);
        int c = broadcastDim(a.cols, b.cols);
        if (r < 0 || c < 0) {
            throw new IllegalArgumentException(
                    "shape mismatch: " + a + (infix() ? " " + (op == '^' ? "**" : op) + " " : " and ") + b
                            + " do not broadcast (each axis must be equal, or 1 in one operand)");
        }
        return new Shape2(r, c);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        Shape2 sa = new Shape2(args[0].numRows, args[0].numCols);
        Shape2 sb = new Shape2(args[1].numRows, args[1].numCols);
        Shape2 out = outputShape(new Shape2[] {sa, sb}, literals);
        boolean varies = op != '+' && op != '-';
        double[] ga = varies ? new double[out.size()] : null;
        double[] gb = varies ? new double[out.size()] : null;
        DMatrixRMaj y = compute(args[0], args[1], out, ga, gb);
        double sB = op == '-' ? -1.0 : 1.0;
        return new Evaluated(y, new Elementwise(out, sa, ga, 1.0), new Elementwise(out, sb, gb, sB));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        Shape2 sa = new Shape2(args[0].numRows, args[0].numCols);
        Shape2 sb = new Shape2(args[1].numRows, args[1].numCols);
        return compute(args[0], args[1], outputShape(new Shape2[] {sa, sb}, literals), null, null);
    }

    /** y = a op b broadcast to {@code out}; the local derivatives into ga, gb (× and ÷ only) when not null. */
    private DMatrixRMaj compute(DMatrixRMaj a, DMatrixRMaj b, Shape2 out, double[] ga, double[] gb) {
        int n = out.rows;
        int m = out.cols;
        DMatrixRMaj y = new DMatrixRMaj(n, m);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double x = a.get(a.numRows == 1 ? 0 : i, a.numCols == 1 ? 0 : j);
                double z = b.get(b.numRows == 1 ? 0 : i, b.numCols == 1 ? 0 : j);
                int k = i * m + j;
                switch (op) {
                    case '+' -> y.data[k] = x + z;
                    case '-' -> y.data[k] = x - z;
                    case '*' -> {
                        y.data[k] = x * z;
                        if (ga != null) {
                            ga[k] = z;
                            gb[k] = x;
                        }
                    }
                    case '/' -> {
                        y.data[k] = x / z;
                        if (ga != null) {
                            ga[k] = 1 / z;
                            gb[k] = -x / (z * z);
                        }
                    }
                    case '^' -> {
                        double v = Math.pow(x, z);
                        y.data[k] = v;
                        if (ga != null) {
                            ga[k] = z == 0 ? 0 : z * Math.pow(x, z - 1);
                            gb[k] = x == 0 && z >= 0 ? 0 : v * Math.log(x);
                        }
                    }
                    case '>' -> {
                        y.data[k] = Math.max(x, z);
                        if (ga != null) {
                            ga[k] = x > z ? 1 : x < z ? 0 : 0.5;
                            gb[k] = 1 - ga[k];
                        }
                    }
                    default -> {
                        y.data[k] = Math.min(x, z);
                        if (ga != null) {
                            ga[k] = x < z ? 1 : x > z ? 0 : 0.5;
                            gb[k] = 1 - ga[k];
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * Column-separable when each varying operand has the output's columns and each fixed one has 1 column
     * (broadcast to every copy) or the output's columns (then tiled across the copies).
     */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        int cols = outputShape(args, literals).cols;
        for (int a = 0; a < args.length; a++) {
            if (varying[a] ? args[a].cols != cols : !(args[a].cols == 1 || args[a].cols == cols)) {
                return false;
            }
        }
        return true;
    }

    /** Tiles each fixed operand that has the copies' column count (more than one) across the copies. */
    @Override
    public DMatrixRMaj applyToColumnCopies(DMatrixRMaj[] args, boolean[] varying, int copies, double[] literals) {
        int cols = -1;
        for (int a = 0; a < args.length; a++) {
            if (varying[a]) {
                cols = args[a].numCols / copies;
            }
        }
        DMatrixRMaj[] tiled = args.clone();
        for (int a = 0; a < args.length; a++) {
            if (!varying[a] && args[a].numCols == cols && cols > 1) {
                tiled[a] = tile(args[a], copies);
            }
        }
        return value(tiled, literals);
    }

    /** [V V … V], {@code copies} times side by side. */
    private static DMatrixRMaj tile(DMatrixRMaj v, int copies) {
        int m = v.numCols;
        DMatrixRMaj t = new DMatrixRMaj(v.numRows, m * copies);
        for (int i = 0; i < v.numRows; i++) {
            for (int b = 0; b < copies; b++) {
                System.arraycopy(v.data, i * m, t.data, i * m * copies + b * m, m);
            }
        }
        return t;
    }

    /** Exact: out[i, j] depends on the entries each argument contributes to it through broadcasting. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].broadcastTo(out).or(args[1].broadcastTo(out));
    }

    /**
     * Each argument's adjoint, summed over the axes it was broadcast along ({@link SymbolicCall#unbroadcastTo}):
     * add Ā = Ȳ, B̄ = Ȳ; subtract B̄ = −Ȳ; multiply Ā = Ȳ ⊙ B, B̄ = Ȳ ⊙ A; divide Ā = Ȳ / B, B̄ = −(Ȳ ⊙ Y) / B;
     * power Ā = Ȳ ⊙ B ⊙ A ** (B − 1), B̄ = Ȳ ⊙ Y ⊙ log(A) (the rule does not special-case a = 0); maximum
     * Ā = Ȳ ⊙ (1 + sign(A − B)) / 2, B̄ = Ȳ ⊙ (1 − sign(A − B)) / 2 (halves at ties); minimum the signs swapped.
     */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr g = c.adjoint();
        Expr local = switch (op) {
            case '+' -> g;
            case '-' -> arg == 0 ? g : Sym.neg(g);
            case '*' -> Sym.mul(g, c.arg(1 - arg));
            case '/' -> arg == 0 ? Sym.div(g, c.arg(1)) : Sym.neg(Sym.div(Sym.mul(g, c.out()), c.arg(1)));
            case '^' ->
                arg == 0
                        ? Sym.mul(g, Sym.mul(c.arg(1), Sym.call("power", c.arg(0), Sym.sub(c.arg(1), Sym.num(1)))))
                        : Sym.mul(g, Sym.mul(c.out(), Sym.call("log", c.arg(0))));
            default -> {
                // the share of the adjoint A (arg 0) or B gets: (1 ± sign(A − B)) / 2
                boolean plus = (op == '>') == (arg == 0);
                Expr s = Sym.call("sign", Sym.sub(c.arg(0), c.arg(1)));
                yield Sym.mul(g, Sym.div(plus ? Sym.add(Sym.num(1), s) : Sym.sub(Sym.num(1), s), Sym.num(2)));
            }
        };
        return c.unbroadcastTo(arg, local);
    }
}
