package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/** pow(A, c): y_ij = x_ij^c for a number literal c (negative and fractional allowed); d_ij = c·x_ij^(c−1). */
public final class Pow implements Function {
    @Override
    public String name() {
        return "pow";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "pow(A, c) with c a number";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        if (literals.length != 1) {
            throw new IllegalArgumentException("pow needs a number exponent: " + signature());
        }
        return args[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        double c = literals[0];
        DMatrixRMaj x = args[0];
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
        double[] d = new double[x.getNumElements()];
        for (int i = 0; i < d.length; i++) {
            y.data[i] = Math.pow(x.data[i], c);
            d[i] = c == 0 ? 0 : c * Math.pow(x.data[i], c - 1);
        }
        return new Evaluated(y, Elementwise.diagonal(new Shape2(x.numRows, x.numCols), d));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj x = args[0];
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
        for (int i = 0; i < y.data.length; i++) {
            y.data[i] = Math.pow(x.data[i], literals[0]);
        }
        return y;
    }

    /** Elementwise: column-separable. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return true;
    }

    /** Elementwise, exact; pow(A, 0) is constant, so it depends on nothing. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return literals[0] == 0 ? SparsityPattern.empty(out, args[0].x) : args[0];
    }

    /** Ā = c · (Ȳ ⊙ pow(A, c − 1)), written 1 for c = 1 and A for c = 2; c = 0 contributes nothing. */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        double p = c.literal(0);
        if (p == 0) {
            return null;
        }
        Expr d = p == 1 ? Sym.num(1) : p == 2 ? c.arg(0) : Sym.call("pow", c.arg(0), p - 1);
        return Sym.mul(Sym.num(p), c.adjointTimes(d));
    }
}
