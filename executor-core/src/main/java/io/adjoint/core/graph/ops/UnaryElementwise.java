package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * Elementwise functions y_ij = f(x_ij) with a diagonal local Jacobian d_ij = f′(x_ij), written in terms of
 * x and y: tanh (1 − y²), sigmoid (y(1 − y)), relu (x > 0), exp (y), log (1/x), sin (cos x), cos (−sin x),
 * sqrt (1/(2y)), square (2x), abs (sign x, 0 at 0), negative (−1). The VJP is a scaled copy.
 */
public final class UnaryElementwise implements Function {
    private final String name;
    private final DoubleUnaryOperator f;
    private final DoubleBinaryOperator dfdx;

    UnaryElementwise(String name, DoubleUnaryOperator f, DoubleBinaryOperator dfdxGivenXY) {
        this.name = name;
        this.f = f;
        this.dfdx = dfdxGivenXY;
    }

    static UnaryElementwise[] all() {
        return new UnaryElementwise[] {
            new UnaryElementwise("tanh", Math::tanh, (x, y) -> 1 - y * y),
            new UnaryElementwise(
                    "sigmoid",
                    x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)),
                    (x, y) -> y * (1 - y)),
            new UnaryElementwise("relu", x -> x > 0 ? x : 0.0, (x, y) -> x > 0 ? 1 : 0),
            new UnaryElementwise("exp", Math::exp, (x, y) -> y),
            new UnaryElementwise("log", Math::log, (x, y) -> 1 / x),
            new UnaryElementwise("sin", Math::sin, (x, y) -> Math.cos(x)),
            new UnaryElementwise("cos", Math::cos, (x, y) -> -Math.sin(x)),
            new UnaryElementwise("sqrt", Math::sqrt, (x, y) -> 0.5 / y),
            new UnaryElementwise("square", x -> x * x, (x, y) -> 2 * x),
            new UnaryElementwise("abs", Math::abs, (x, y) -> Math.signum(x)),
            new UnaryElementwise("negative", x -> -x, (x, y) -> -1),
        };
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
