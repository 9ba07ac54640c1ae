package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * broadcast_like(G, A): G repeated to A's shape by NumPy broadcasting (each axis of G equal to A's, or 1) — the
 * adjoint of a reduction (sum, mean) in a gradient expression; A gives only the shape. y_ij = g_{(i|0),(j|0)}:
 * ∂Y/∂G reads one entry of G per output entry (the broadcast copy of {@link Elementwise}); ∂Y/∂A = 0. Symbolic VJP:
 * Ḡ = Ȳ summed over the broadcast axes, Ā nothing.
 */
public final class BroadcastLike implements Function {
    @Override
    public String name() {
        return "broadcast_like";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "broadcast_like(G, A): G repeated to A's shape";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        Shape2 g = args[0];
        Shape2 a = args[1];
        if (literals.length != 0 || !(g.rows == a.rows || g.rows == 1) || !(g.cols == a.cols || g.cols == 1)) {
            throw new IllegalArgumentException("cannot broadcast " + g + " to " + a + ": " + signature());
        }
        return a;
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        Shape2 g = OpArgs.shape(args[0]);
        Shape2 out = OpArgs.shape(args[1]);
        return new Evaluated(
                value(args, literals),
                new Elementwise(out, g, null, 1.0),
                new Elementwise(out, out, new double[out.size()], 1.0));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj g = args[0];
        DMatrixRMaj y = new DMatrixRMaj(args[1].numRows, args[1].numCols);
        for (int i = 0; i < y.numRows; i++) {
            for (int j = 0; j < y.numCols; j++) {
                y.data[i * y.numCols + j] = g.get(g.numRows == 1 ? 0 : i, g.numCols == 1 ? 0 : j);
            }
        }
        return y;
    }

    /** Exact: each entry depends on what the G entry it copies depends on; nothing through A. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].broadcastTo(out);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return arg == 0 ? c.unbroadcastTo(0, c.adjoint()) : null;
    }
}
