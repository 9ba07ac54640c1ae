package io.adjoint.core.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;

/**
 * A mostly-zero local Jacobian held in compressed sparse columns (EJML {@link DMatrixSparseCSC}),
 * e.g. the diagonal Jacobian of an elementwise function.
 *
 * <p>Product: C_bj = Σ_{p ∈ col j} Ā_{b, row(p)} · val(p) + β C_bj. Each row of Ā is contiguous, so the
 * gather stays inside one row; C is written in order. Cost: B·nnz multiply-adds.
 */
public final class SparseJacobian implements JacobianOperand {
    private static final long serialVersionUID = 1L;
    private final DMatrixSparseCSC j;

    public SparseJacobian(DMatrixSparseCSC j) {
        this.j = j;
    }

    /** Builds CSC storage holding exactly the non-zero entries of {@code dense}. */
    public static SparseJacobian fromDense(DMatrixRMaj dense) {
        int rows = dense.numRows;
        int cols = dense.numCols;
        int[] colCount = new int[cols + 1];
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int c = 0; c < cols; c++) {
                if (dense.data[off + c] != 0.0) {
                    colCount[c + 1]++;
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            colCount[c + 1] += colCount[c];
        }
        int nnz = colCount[cols];
        DMatrixSparseCSC s = new DMatrixSparseCSC(rows, cols, nnz);
        System.arraycopy(colCount, 0, s.col_idx, 0, cols + 1);
        int[] next = new int[cols];
        System.arraycopy(colCount, 0, next, 0, cols);
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int c = 0; c < cols; c++) {
                double v = dense.data[off + c];
                if (v != 0.0) {
                    int p = next[c]++;
                    s.nz_rows[p] = r;
                    s.nz_values[p] = v;
                }
            }
        }
        s.nz_length = nnz;
        s.indicesSorted = true;
        return new SparseJacobian(s);
    }

    public DMatrixSparseCSC matrix() {
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
        return j.nz_length;
    }

    @Override
    public long bytes() {
        return 12L * j.nz_length + 4L * (j.numCols + 1);
    }

    @Override
    public void multiply(DMatrixRMaj adjointBlock, double beta, DMatrixRMaj c) {
        int bRows = adjointBlock.numRows;
        int k = j.numRows;
        int n = j.numCols;
        if (adjointBlock.numCols != k) {
            throw new IllegalArgumentException("adjoint block is " + bRows + "×" + adjointBlock.numCols + ", J is " + k
                    + "×" + n + ": inner dimensions " + adjointBlock.numCols + " and " + k + " differ");
        }
        if (c.numRows != bRows || c.numCols != n) {
            throw new IllegalArgumentException("C is " + c.numRows + "×" + c.numCols + ", Ā·J is " + bRows + "×" + n);
        }
        double[] a = adjointBlock.data;
        double[] out = c.data;
        int[] colIdx = j.col_idx;
        int[] nzRows = j.nz_rows;
        double[] vals = j.nz_values;
        for (int b = 0; b < bRows; b++) {
            int aOff = b * k;
            int cOff = b * n;
            for (int col = 0; col < n; col++) {
                double sum = 0.0;
                for (int p = colIdx[col], end = colIdx[col + 1]; p < end; p++) {
                    sum += a[aOff + nzRows[p]] * vals[p];
                }
                out[cOff + col] = beta == 0.0 ? sum : sum + beta * out[cOff + col];
            }
        }
    }

    @Override
    public String kind() {
        return "sparse";
    }
}
