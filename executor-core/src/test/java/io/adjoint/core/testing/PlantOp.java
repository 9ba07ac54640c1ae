package io.adjoint.core.testing;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Elementwise;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code plant(Y, X, row, col, delta)}: a single wrong entry planted in a full Jacobian, for gradcheck power tests.
 * The value is Y (X is not used), so every numeric derivative is the true one; the local Jacobian with respect to
 * Y is the identity and with respect to X is delta at (row, col) — a dependence that does not exist. Put it at the
 * output: ∂plant(f(X), X, i·q + j, r·l + s, δ)/∂X is the true Jacobian plus δ at ∂out[i,j]/∂X[r,s] and nowhere else.
 */
public final class PlantOp implements Function {
    @Override
    public String name() {
        return "plant";
    }

    @Override
    public int matrixArity() {
        return 2;
    }

    @Override
    public String signature() {
        return "plant(Y, X, row, col, delta)";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        if (literals.length != 3) {
            throw new IllegalArgumentException("needs row, col and delta: " + signature());
        }
        return args[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        Shape2 y = new Shape2(args[0].numRows, args[0].numCols);
        Shape2 x = new Shape2(args[1].numRows, args[1].numCols);
        return new Evaluated(
                args[0].copy(),
                new Elementwise(y, y, null, 1.0),
                new Planted(y.size(), x.size(), (int) literals[0], (int) literals[1], literals[2]));
    }

    /** ∂v/∂u = delta·e_row e_colᵀ. */
    static final class Planted implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final int out;
        private final int in;
        private final int row;
        private final int col;
        private final double delta;

        Planted(int out, int in, int row, int col, double delta) {
            this.out = out;
            this.in = in;
            this.row = row;
            this.col = col;
            this.delta = delta;
        }

        @Override
        public int outSize() {
            return out;
        }

        @Override
        public int inSize() {
            return in;
        }

        @Override
        public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
            for (int b = 0; b < vbar.numRows; b++) {
                ubar.data[b * in + col] += delta * vbar.data[b * out + row];
            }
        }

        @Override
        public DMatrixRMaj dense() {
            DMatrixRMaj d = new DMatrixRMaj(out, in);
            d.set(row, col, delta);
            return d;
        }

        @Override
        public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
            for (int b = 0; b < vbar.col.length; b++) {
                if (vbar.col[b] == row) {
                    ubar.data[b * in + col] += delta * vbar.val[b];
                }
            }
        }
    }
}
