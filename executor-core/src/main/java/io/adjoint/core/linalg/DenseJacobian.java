package io.adjoint.core.linalg;

import org.ejml.data.DMatrixRMaj;

/** A dense local Jacobian; products go through BLAS {@code dgemm} ({@link Gemm}). */
public final class DenseJacobian implements JacobianOperand {
    private static final long serialVersionUID = 1L;
    private final DMatrixRMaj j;

    public DenseJacobian(DMatrixRMaj j) {
        this.j = j;
    }

    public DMatrixRMaj matrix() {
        return j;
    }

    @Override
    public int rows() {
        return j.numRows;
    }

    @Override
    public int cols() {
        return j.numCols;
    }

    @Override
    public long nonZeros() {
        return (long) j.numRows * j.numCols;
    }

    @Override
    public long bytes() {
        return 8L * j.numRows * j.numCols;
    }

    @Override
    public void multiply(DMatrixRMaj adjointBlock, double beta, DMatrixRMaj c) {
        Gemm.mult(1.0, adjointBlock, j, beta, c);
    }

    @Override
    public String kind() {
        return "dense";
    }
}
