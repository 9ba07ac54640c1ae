package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * reshape(A, r, c): the same entries in C (row-major) order as an r×c matrix, as {@code np.reshape(A, (r, c))}; r·c
 * must equal A's size (−1 for one of them: inferred). The local Jacobian is the identity on the flattened entries —
 * in our row-major flattening a reshape moves nothing ({@link IndexMap} with src[o] = o). Pattern: A's, moved
 * (exact) when one row length divides the other, else {@link SparsityPattern#gather} (exact for small nodes, a
 * superset beyond). VJP: Ā = reshape(Ȳ, k, l).
 */
public final class Reshape implements Function {
    @Override
    public String name() {
        return "reshape";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "reshape(A, r, c) with r·c = size(A) (one of them may be −1)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        if (lit.length != 2) {
            throw new IllegalArgumentException("reshape needs two numbers: " + signature());
        }
        long size = a[0].size();
        long r = (long) lit[0];
        long c = (long) lit[1];
        if (r != lit[0] || c != lit[1] || (r == -1 && c == -1) || r < -1 || c < -1) {
            throw new IllegalArgumentException("reshape sizes must be whole numbers ≥ 0 (one may be −1), got "
                    + OpArgs.fmt(lit[0]) + ", " + OpArgs.fmt(lit[1]));
        }
        if (r == -1) {
            r = c == 0 ? 0 : size / c;
        }
        if (c == -1) {
            c = r == 0 ? 0 : size / r;
        }
        if (r * c != size) {
            throw new IllegalArgumentException("cannot reshape " + a[0] + " (" + size + " entries) into ("
                    + OpArgs.fmt(lit[0]) + ", " + OpArgs.fmt(lit[1]) + ")");
        }
        return new Shape2((int) r, (int) c);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 out = outputShape(new Shape2[] {OpArgs.shape(a[0])}, lit);
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        System.arraycopy(a[0].data, 0, y.data, 0, out.size());
        int[] src = new int[out.size()];
        for (int o = 0; o < src.length; o++) {
            src[o] = o;
        }
        return new Evaluated(y, new IndexMap(src, null, out.size()));
    }

    /**
     * Exact at any size when one row length divides the other — splitting each row into k rows (k = cols(A)/c) or
     * joining k rows into one (k = c/cols(A)): then entry (i', j') reads A's row i'/k (or i'·k + q) and a column
     * shifted by a multiple of the shorter length, one moved copy of A's pattern per residue q < k — k terms per term
     * of A's pattern, used while they fit the pattern's budget of 16 terms (O(k·(rows + cols)) work). Otherwise entry
     * by entry ({@link SparsityPattern#gather}: exact for small results, a sound superset beyond).
     */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        Shape2 in = argShapes[0];
        if (out.equals(in)) {
            return args[0];
        }
        boolean split = out.cols > 0 && in.cols % out.cols == 0;
        int k = split ? in.cols / out.cols : in.cols > 0 && out.cols % in.cols == 0 ? out.cols / in.cols : 0;
        if (out.size() > 0 && k > 0 && k * (long) Math.max(1, args[0].terms().size()) <= 16) {
            SparsityPattern p = null;
            for (int q = 0; q < k; q++) {
                int[][] rows = new int[out.rows][];
                for (int i = 0; i < out.rows; i++) {
                    rows[i] = split ? (i % k == q ? new int[] {i / k} : new int[0]) : new int[] {i * k + q};
                }
                int[][] cols = new int[out.cols][];
                for (int j = 0; j < out.cols; j++) {
                    cols[j] = split
                            ? new int[] {q * out.cols + j}
                            : (j / in.cols == q ? new int[] {j - q * in.cols} : new int[0]);
                }
                SparsityPattern moved = args[0].mapRows(
                                io.adjoint.core.graph.BoolMatrix.ofRows(in.rows, rows), out.rows)
                        .mapCols(io.adjoint.core.graph.BoolMatrix.ofRows(in.cols, cols), out.cols);
                p = p == null ? moved : p.or(moved);
            }
            return p;
        }
        int[] src = new int[out.size()];
        for (int o = 0; o < src.length; o++) {
            src[o] = o;
        }
        return args[0].gather(out, src);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Shape2 a = c.argShape(0);
        return Expr.call("reshape", List.of(c.adjoint()), a.rows, a.cols);
    }
}
