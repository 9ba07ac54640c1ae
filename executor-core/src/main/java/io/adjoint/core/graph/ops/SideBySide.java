package io.adjoint.core.graph.ops;

import org.ejml.data.DMatrixRMaj;

/**
 * A block of B adjoints (or tangents) of an n×m matrix, B × (n·m) with each row a flattened matrix, laid side by side
 * as one n × (B·m) matrix and back: the shape in which a left factor (A⁻¹, L⁻¹) applies to the whole block in one
 * multi-right-hand-side solve. O(B·n·m) copies.
 */
final class SideBySide {
    private SideBySide() {}

    /** The B rows of {@code rows} (each a flattened n×m matrix) side by side: n × (B·m). */
    static DMatrixRMaj of(DMatrixRMaj rows, int n, int m) {
        int b = rows.numRows;
        DMatrixRMaj s = new DMatrixRMaj(n, b * m);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows.data, r * n * m + i * m, s.data, i * b * m + r * m, m);
            }
        }
        return s;
    }

    /** The inverse of {@link #of}, added into {@code rows} (B × n·m). */
    static void addBack(DMatrixRMaj s, int n, int m, DMatrixRMaj rows) {
        int b = rows.numRows;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    rows.data[r * n * m + i * m + j] += s.data[i * b * m + r * m + j];
                }
            }
        }
    }
}
