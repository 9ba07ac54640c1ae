package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * eye_like(A): the identity of A's shape, ones on the main diagonal (of a rectangular shape too) — the adjoint of
 * trace in a gradient expression; A gives only the shape, so ∂Y/∂A = 0, no dependence, and no symbolic VJP term.
 */
public final class EyeLike implements Function {
    @Override
    public String name() {
        return "eye_like";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "eye_like(A): the identity of A's shape";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        if (literals.length != 0) {
            throw new IllegalArgumentException("eye_like takes one matrix: " + signature());
        }
        return args[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        Shape2 s = OpArgs.shape(args[0]);
        return new Evaluated(value(args, literals), new Elementwise(s, s, new double[s.size()], 1.0));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj y = new DMatrixRMaj(args[0].numRows, args[0].numCols);
        for (int i = 0; i < Math.min(y.numRows, y.numCols); i++) {
            y.set(i, i, 1.0);
        }
        return y;
    }

    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return SparsityPattern.empty(out, args[0].x);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return null;
    }
}
