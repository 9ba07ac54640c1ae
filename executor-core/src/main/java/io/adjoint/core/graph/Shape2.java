package io.adjoint.core.graph;

import java.io.Serializable;

/** The shape of a matrix value in an expression: rows × cols, flattened row-major (index i·cols + j). */
public final class Shape2 implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int rows;
    public final int cols;

    public Shape2(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape (" + rows + ", " + cols + ")");
        }
        this.rows = rows;
        this.cols = cols;
    }

    public int size() {
        return Math.multiplyExact(rows, cols);
    }

    public boolean isScalar() {
        return rows == 1 && cols == 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape2 s && s.rows == rows && s.cols == cols;
    }

    @Override
    public int hashCode() {
        return rows * 31 + cols;
    }

    @Override
    public String toString() {
        return "(" + rows + ", " + cols + ")";
    }
}
