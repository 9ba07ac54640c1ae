package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * kron(A, B), as {@code np.kron}: A n×m, B p×q → Y np×mq, Y[i·p + k, j·q + l] = A[i, j]·B[k, l]. Each entry of Y
 * reads one entry of each factor, so each local Jacobian is a weighted index map ({@link IndexMap}: ∂Y/∂A has w = B's
 * entry, ∂Y/∂B has w = A's), O(size(Y)) per row of a sweep. Pattern: A's rows and columns spread over the blocks
 * (row I reads A's row I / p, column J A's column J / q), B's over the positions inside them (I mod p, J mod q):
 * exact. VJP: Ā[i, j] = ⟨block (i, j) of Ȳ, B⟩ = kron(eye(n), ones(1, p)) @ (Ȳ * kron(ones(n, m), B)) @
 * kron(eye(m), ones(q, 1)); B̄ = kron(ones(1, n), eye(p)) @ (Ȳ * kron(A, ones(p, q))) @ kron(ones(m, 1), eye(q)).
 */
public final class Kron implements Function {
    @Override
    public String name() {
        return "kron";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "kron(A, B)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        return new Shape2(a[0].rows * a[1].rows, a[0].cols * a[1].cols);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] lit) {
        DMatrixRMaj a = args[0];
        DMatrixRMaj b = args[1];
        int p = b.numRows;
        int q = b.numCols;
        Shape2 out = new Shape2(a.numRows * p, a.numCols * q);
        DMatrixRMaj y = new DMatrixRMaj(out.rows, out.cols);
        int[] srcA = new int[out.size()];
        int[] srcB = new int[out.size()];
        double[] wA = new double[out.size()];
        double[] wB = new double[out.size()];
        for (int r = 0; r < out.rows; r++) {
            for (int c = 0; c < out.cols; c++) {
                int o = r * out.cols + c;
                int ia = (r / p) * a.numCols + c / q;
                int ib = (r % p) * q + c % q;
                y.data[o] = a.data[ia] * b.data[ib];
                srcA[o] = ia;
                srcB[o] = ib;
                wA[o] = b.data[ib];
                wB[o] = a.data[ia];
            }
        }
        return new Evaluated(y, new IndexMap(srcA, wA, a.getNumElements()), new IndexMap(srcB, wB, b.getNumElements()));
    }

    /** Exact: each factor's rows and columns moved to where they are read. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        Shape2 a = argShapes[0];
        Shape2 b = argShapes[1];
        return spread(args[0], out, a, b, true).or(spread(args[1], out, b, b, false));
    }

    /** The pattern of the argument read at row I → I / p (outer) or I mod p (inner), columns alike. */
    private static SparsityPattern spread(SparsityPattern p, Shape2 out, Shape2 arg, Shape2 b, boolean outer) {
        int[][] rows = new int[out.rows][];
        for (int r = 0; r < out.rows; r++) {
            rows[r] = new int[] {outer ? r / b.rows : r % b.rows};
        }
        int[][] cols = new int[out.cols][];
        for (int c = 0; c < out.cols; c++) {
            cols[c] = new int[] {outer ? c / b.cols : c % b.cols};
        }
        return p.mapRows(BoolMatrix.ofRows(arg.rows, rows), out.rows)
                .mapCols(BoolMatrix.ofRows(arg.cols, cols), out.cols);
    }

    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Shape2 a = c.argShape(0);
        Shape2 b = c.argShape(1);
        int n = a.rows;
        int m = a.cols;
        int p = b.rows;
        int q = b.cols;
        Expr g = c.adjoint();
        if (arg == 0) {
            Expr left = Sym.call("kron", eye(n), ones(1, p));
            Expr mid = Sym.mul(g, Sym.call("kron", ones(n, m), c.arg(1)));
            Expr right = Sym.call("kron", eye(m), ones(q, 1));
            return Sym.matmul(Sym.matmul(left, mid), right);
        }
        Expr left = Sym.call("kron", ones(1, n), eye(p));
        Expr mid = Sym.mul(g, Sym.call("kron", c.arg(0), ones(p, q)));
        Expr right = Sym.call("kron", ones(m, 1), eye(q));
        return Sym.matmul(Sym.matmul(left, mid), right);
    }

    private static Expr eye(int n) {
        return Expr.call("eye", java.util.List.of(), n);
    }

    private static Expr ones(int r, int c) {
        return Expr.call("ones", java.util.List.of(), r, c);
    }
}
