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
 * tril(A): the lower triangle with the diagonal (entries j ≤ i), zeros above, as {@code torch.tril}. An index map
 * ({@link IndexMap}); pattern by {@link SparsityPattern#gather}; VJP Ā = tril(Ȳ).
 */
public final class Tril implements Function {
    @Override
    public String name() {
        return "tril";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "tril(A)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        return a[0];
    }

    private static int[] src(Shape2 s) {
        int[] src = new int[s.size()];
        for (int i = 0; i < s.rows; i++) {
            for (int j = 0; j < s.cols; j++) {
                src[i * s.cols + j] = j <= i ? i * s.cols + j : -1;
            }
        }
        return src;
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 s = OpArgs.shape(a[0]);
        int[] src = src(s);
        DMatrixRMaj y = new DMatrixRMaj(s.rows, s.cols);
        for (int o = 0; o < src.length; o++) {
            if (src[o] >= 0) {
                y.data[o] = a[0].data[o];
            }
        }
        return new Evaluated(y, new IndexMap(src, null, s.size()));
    }

    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].gather(out, src(out));
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        return Sym.call("tril", c.adjoint());
    }
}
