package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * The rule every unary elementwise op shares: Y = f(X) entry by entry, y_ij = f(x_ij), so in row-major flattening
 * the local Jacobian ∂vec(Y)/∂vec(X) is diagonal, d_ij = f′(x_ij), given here as a function of x and y (whichever is
 * cheaper: tanh′ = 1 − y², exp′ = y); the VJP scales the adjoint, X̄ = Ȳ ∘ D (B × size → B × size), the JVP the
 * tangent. The ops themselves live in their families' files: {@link Activations}, {@link ExpLog}, {@link
 * Trigonometric}, {@link Powers}, {@link Signs}.
 */
class UnaryElementwise implements Function {
    private final String name;
    private final DoubleUnaryOperator f;
    private final DoubleBinaryOperator dfdx;
    private final Rule rule;

    /**
     * The symbolic VJP of an elementwise op: Ā = Ȳ ⊙ f′(A) as an expression of the call (its argument A, value Y,
     * adjoint Ȳ); null when f′ is zero everywhere it is defined (step, sign).
     */
    @FunctionalInterface
    interface Rule {
        Expr vjp(SymbolicCall c);
    }

    UnaryElementwise(String name, DoubleUnaryOperator f, DoubleBinaryOperator dfdxGivenXY, Rule rule) {
        this.name = name;
        this.f = f;
        this.dfdx = dfdxGivenXY;
        this.rule = rule;
    }

    /** A piecewise-constant op (step, sign): its derivative is 0 wherever it is defined, and no entry depends. */
    static UnaryElementwise constantPieces(String name, DoubleUnaryOperator f) {
        return new UnaryElementwise(name, f, (x, y) -> 0, c -> null) {
            @Override
            public SparsityPattern dependence(
                    SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
                return SparsityPattern.empty(out, args[0].x);
            }
        };
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return rule.vjp(c);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj x = args[0];
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
        int len = x.getNumElements();
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            double xi = x.data[i];
            double yi = f.applyAsDouble(xi);
            y.data[i] = yi;
            d[i] = dfdx.applyAsDouble(xi, yi);
        }
        return new Evaluated(y, Elementwise.diagonal(new Shape2(x.numRows, x.numCols), d));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj x = args[0];
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
        for (int i = 0; i < x.getNumElements(); i++) {
            y.data[i] = f.applyAsDouble(x.data[i]);
        }
        return y;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return name + "(A)";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        if (literals.length != 0) {
            throw new IllegalArgumentException(name + " takes one matrix: " + signature());
        }
        return args[0];
    }

    /** Elementwise: column-separable. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return true;
    }

    /**
     * Elementwise: out[i, j] depends on what A[i, j] depends on. Structural: where the derivative vanishes for the
     * value (relu below 0, abs at 0) the pattern still lists the entry.
     */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0];
    }
}
