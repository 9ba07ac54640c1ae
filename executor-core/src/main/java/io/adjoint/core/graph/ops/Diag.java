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
 * diag(A), as {@code np.diag}: a column n×1 or a row 1×n → the n×n diagonal matrix with it on the diagonal; a square
 * n×n matrix → its diagonal as a column n×1 (a 1×1 is both, and stays itself). An index map ({@link IndexMap});
 * pattern by {@link SparsityPattern#gather}. VJP: from a vector, Ā = diag(Ȳ) (transposed back for a row); from a
 * square matrix, Ā = diag(Ȳ), the column put back on the diagonal.
 */
public final class Diag implements Function {
    @Override
    public String name() {
        return "diag";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "diag(A): a column or row → diagonal matrix; a square matrix → its diagonal as a column";
    }

    private static boolean toMatrix(Shape2 a) {
        return (a.cols == 1 || a.rows == 1) && a.size() > 1;
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        if (toMatrix(a[0])) {
            return new Shape2(a[0].size(), a[0].size());
        }
        if (a[0].rows != a[0].cols) {
            throw new IllegalArgumentException("diag needs a column, a row or a square matrix, got " + a[0]);
        }
        return new Shape2(a[0].rows, 1);
    }

    private static int[] src(Shape2 a) {
        if (toMatrix(a)) {
            int n = a.size();
            int[] s = new int[n * n];
            java.util.Arrays.fill(s, -1);
            for (int i = 0; i < n; i++) {
                s[i * n + i] = i;
            }
            return s;
        }
        int[] s = new int[a.rows];
        for (int i = 0; i < a.rows; i++) {
            s[i] = i * a.cols + i;
        }
        return s;
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 in = OpArgs.shape(a[0]);
        Shape2 out = outputShape(new Shape2[] {in}, lit);
        int[] s = src(in);
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        for (int o = 0; o < s.length; o++) {
            if (s[o] >= 0) {
                y.data[o] = a[0].data[s[o]];
            }
        }
        return new Evaluated(y, new IndexMap(s, null, in.size()));
    }

    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        return args[0].gather(out, src(argShapes[0]));
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr back = Sym.call("diag", c.adjoint());
        Shape2 a = c.argShape(0);
        return toMatrix(a) && a.rows == 1 ? Sym.t(back) : back;
    }
}
