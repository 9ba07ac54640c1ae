package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * concat(A, B, …, axis): A and B stacked along axis 0 (rows: {@code np.concatenate(..., axis=0)}, equal column counts)
 * or 1 (columns), the axis a trailing literal as in {@code sum} and {@code softmax}. More than two matrices are
 * concatenated pairwise from the left (the graph folds {@code concat(A, B, C, 1)} into
 * {@code concat(concat(A, B, 1), C, 1)}: {@link #variadic}).
 *
 * <p>Each argument's local Jacobian is an index map onto its block ({@link IndexMap}); its pattern is its own,
 * moved to its rows or columns (exact). VJP: Ā and B̄ are Ȳ's blocks, {@code slice(Ȳ, …)}.
 */
public final class Concat implements Function {
    @Override
    public String name() {
        return "concat";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public boolean variadic() {
        return true;
    }

    @Override
    public String signature() {
        return "concat(A, B, …, axis) with axis 0 (rows) or 1 (columns)";
    }

    private static boolean rows(double[] lit) {
        if (lit.length != 1 || (lit[0] != 0 && lit[0] != 1)) {
            throw new IllegalArgumentException(
                    "concat needs an axis 0 or 1 as its last argument: " + "concat(A, B, …, axis)");
        }
        return lit[0] == 0;
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        if (rows(lit)) {
            if (a[0].cols != a[1].cols) {
                throw new IllegalArgumentException(
                        "shape mismatch: concat along axis 0 needs equal column counts, got " + a[0] + " and " + a[1]);
            }
            return new Shape2(a[0].rows + a[1].rows, a[0].cols);
        }
        if (a[0].rows != a[1].rows) {
            throw new IllegalArgumentException(
                    "shape mismatch: concat along axis 1 needs equal row counts, got " + a[0] + " and " + a[1]);
        }
        return new Shape2(a[0].rows, a[0].cols + a[1].cols);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] lit) {
        Shape2 out = outputShape(new Shape2[] {OpArgs.shape(args[0]), OpArgs.shape(args[1])}, lit);
        boolean byRows = rows(lit);
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        int[][] src = {new int[out.size()], new int[out.size()]};
        java.util.Arrays.fill(src[0], -1);
        java.util.Arrays.fill(src[1], -1);
        for (int i = 0; i < out.rows; i++) {
            for (int j = 0; j < out.cols; j++) {
                int which = byRows ? (i < args[0].numRows ? 0 : 1) : (j < args[0].numCols ? 0 : 1);
                DMatrixRMaj m = args[which];
                int r = byRows && which == 1 ? i - args[0].numRows : i;
                int c = !byRows && which == 1 ? j - args[0].numCols : j;
                int o = i * out.cols + j;
                y.data[o] = m.data[r * m.numCols + c];
                src[which][o] = r * m.numCols + c;
            }
        }
        return new Evaluated(
                y,
                new IndexMap(src[0], null, args[0].getNumElements()),
                new IndexMap(src[1], null, args[1].getNumElements()));
    }

    /** Exact: each argument's pattern moved to its block. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        boolean byRows = rows(literals);
        SparsityPattern p = null;
        for (int a = 0; a < 2; a++) {
            Shape2 s = argShapes[a];
            int offset = a == 0 ? 0 : byRows ? argShapes[0].rows : argShapes[0].cols;
            int n = byRows ? out.rows : out.cols;
            int[][] m = new int[n][];
            java.util.Arrays.fill(m, new int[0]);
            int len = byRows ? s.rows : s.cols;
            for (int k = 0; k < len; k++) {
                m[offset + k] = new int[] {k};
            }
            BoolMatrix move = BoolMatrix.ofRows(len, m);
            SparsityPattern q = byRows ? args[a].mapRows(move, n) : args[a].mapCols(move, n);
            p = p == null ? q : p.or(q);
        }
        return p;
    }

    /** Ā = Ȳ's first block, B̄ its second: slice(Ȳ, …). */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        boolean byRows = c.literal(0) == 0;
        Shape2 a = c.argShape(0);
        Shape2 y = c.outShape();
        int from = arg == 0 ? 0 : byRows ? a.rows : a.cols;
        int to = arg == 0 ? (byRows ? a.rows : a.cols) : (byRows ? y.rows : y.cols);
        double[] lit = byRows ? new double[] {from, to, 1, 0, y.cols, 1} : new double[] {0, y.rows, 1, from, to, 1};
        return Expr.call("slice", List.of(c.adjoint()), lit);
    }
}
