package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Sym;
import io.adjoint.core.graph.SymbolicCall;
import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.linalg.Lu;
import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * solve(A, B) = A⁻¹B for A n×n and B n×m, by LU with partial pivoting — the inverse is never formed (as
 * {@code torch.linalg.solve}). A singular A is refused at forward time with its condition estimate ({@link Lu}).
 *
 * <p>Derivatives: dY = A⁻¹(dB − dA·Y). So ∂Y/∂B = A⁻¹ ⊗ I_m and ∂Y/∂A = −(A⁻¹ ⊗ Yᵀ) (row-major), and the VJP of Ȳ
 * solves with Aᵀ: B̄ = A⁻ᵀȲ, Ā = −B̄·Yᵀ; the JVP Ẏ = A⁻¹(Ḃ − Ȧ·Y). Batched: B adjoints (or tangents) are laid side
 * by side as one n × (B·m) right-hand side and solved at once (O(n²·B·m) after one O(n³) factorization per
 * executor, made on first use; with native LAPACK it serves A and Aᵀ alike, {@link Lu}).
 */
public final class Solve implements Function {
    @Override
    public String name() {
        return "solve";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "solve(A, B) with A square (n×n) and B n×m";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        OpArgs.noLiterals(name(), signature(), lit);
        OpArgs.square("solve", "A", a[0]);
        OpArgs.sameRows("solve(A, B)", "A", a[0], a[1]);
        return a[1];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Lu lu = Lu.of(a[0]);
        DMatrixRMaj y = new DMatrixRMaj(a[1].numRows, a[1].numCols);
        lu.solve(a[1], y);
        Factors f = new Factors(a[0], y, lu);
        return new Evaluated(y, new Jacobian(f, true), new Jacobian(f, false));
    }

    @Override
    public DMatrixRMaj value(DMatrixRMaj[] a, double[] lit) {
        DMatrixRMaj y = new DMatrixRMaj(a[1].numRows, a[1].numCols);
        Lu.of(a[0]).solve(a[1], y);
        return y;
    }

    /** A, Y and the factorization of A (solves with A and Aᵀ), made where first needed (the forward's is kept). */
    static final class Factors implements Serializable {
        private static final long serialVersionUID = 1L;
        final DMatrixRMaj a;
        final DMatrixRMaj y;
        private transient volatile Lu lu;

        Factors(DMatrixRMaj a, DMatrixRMaj y, Lu lu) {
            this.a = a.copy();
            this.y = y;
            this.lu = lu;
        }

        Lu lu() {
            Lu f = lu;
            if (f == null) {
                lu = f = Lu.of(a);
            }
            return f;
        }

        /**
         * Each row of {@code rows} (B × n·m, a flattened n×m matrix) replaced by A⁻¹ (or A⁻ᵀ) times it: the B matrices
         * side by side as one n × (B·m) right-hand side, one solve.
         */
        DMatrixRMaj solveRows(DMatrixRMaj rows, int m, boolean transposed) {
            int n = a.numRows;
            DMatrixRMaj rhs = SideBySide.of(rows, n, m);
            DMatrixRMaj x = new DMatrixRMaj(n, rows.numRows * m);
            lu().solve(rhs, x, transposed);
            DMatrixRMaj out = new DMatrixRMaj(rows.numRows, n * m);
            SideBySide.addBack(x, n, m, out);
            return out;
        }
    }

    /**
     * ∂Y/∂A (ofA) or ∂Y/∂B for Y = A⁻¹B.
     *
     * <pre>
     *   B: Ȳ (B × n·m) → B̄_b = A⁻ᵀ Ȳ_b            Ḃ → Ẏ_b = A⁻¹ Ḃ_b
     *   A: Ȳ (B × n·m) → Ā_b = −(A⁻ᵀ Ȳ_b) Yᵀ      Ȧ → Ẏ_b = −A⁻¹ (Ȧ_b Y)
     * </pre>
     */
    static final class Jacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final Factors f;
        private final boolean ofA;

        Jacobian(Factors f, boolean ofA) {
            this.f = f;
            this.ofA = ofA;
        }

        @Override
        public int outSize() {
            return f.y.getNumElements();
        }

        @Override
        public int inSize() {
            return ofA ? f.a.getNumElements() : f.y.getNumElements();
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            int n = f.a.numRows;
            int m = f.y.numCols;
            DMatrixRMaj bbar = f.solveRows(vbar, m, true);
            if (!ofA) {
                CommonOps_DDRM.addEquals(ubar, bbar);
                return;
            }
            // Ā_b = −B̄_b Yᵀ: (B·n) × m times m × n
            DMatrixRMaj stacked = DMatrixRMaj.wrap(vbar.numRows * n, m, bbar.data);
            DMatrixRMaj yt = new DMatrixRMaj(m, n);
            CommonOps_DDRM.transpose(f.y, yt);
            // ubar viewed as (B·n) × n: += −B̄ Yᵀ, one BLAS product
            Gemm.mult(-1.0, stacked, yt, 1.0, DMatrixRMaj.wrap(vbar.numRows * n, n, ubar.data));
        }

        @Override
        public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
            int n = f.a.numRows;
            int m = f.y.numCols;
            DMatrixRMaj rhs = udot;
            if (ofA) {
                // Ȧ_b Y for every b: (B·n) × n times n × m
                DMatrixRMaj stacked = DMatrixRMaj.wrap(udot.numRows * n, n, udot.data);
                DMatrixRMaj t = new DMatrixRMaj(udot.numRows * n, m);
                Gemm.mult(-1.0, stacked, f.y, 0.0, t);
                rhs = DMatrixRMaj.wrap(udot.numRows, n * m, t.data);
            }
            CommonOps_DDRM.addEquals(vdot, f.solveRows(rhs, m, false));
        }

        /** B: (A⁻¹ ⊗ I_m)[(i,j), (r,s)] = A⁻¹[i,r]·δ(j,s); A: −A⁻¹[i,r]·Y[s,j]. */
        @Override
        public DMatrixRMaj dense() {
            int n = f.a.numRows;
            int m = f.y.numCols;
            DMatrixRMaj inv = new DMatrixRMaj(n, n);
            f.lu().solve(CommonOps_DDRM.identity(n), inv);
            DMatrixRMaj d = new DMatrixRMaj(n * m, inSize());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    for (int r = 0; r < n; r++) {
                        if (ofA) {
                            for (int s = 0; s < n; s++) {
                                d.set(i * m + j, r * n + s, -inv.get(i, r) * f.y.get(s, j));
                            }
                        } else {
                            d.set(i * m + j, r * m + j, inv.get(i, r));
                        }
                    }
                }
            }
            return d;
        }
    }

    /** Y[:, j] depends on all of A and on B[:, j]: B's pattern with every row mixed, and A's everywhere. */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        int n = argShapes[0].rows;
        return args[0].everyOnAll(out).or(args[1].mapRows(BoolMatrix.full(n, n), n));
    }

    /** Y = A⁻¹B: B̄ = solve(A.T, Ȳ), Ā = −(solve(A.T, Ȳ) @ Y.T). */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Expr bbar = Sym.call("solve", Sym.t(c.arg(0)), c.adjoint());
        return arg == 1 ? bbar : Sym.neg(Sym.matmul(bbar, Sym.t(c.out())));
    }
}
