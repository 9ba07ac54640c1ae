package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.LocalJacobian;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** The dense form of a local Jacobian from its JVP on the identity: for tests and small shapes, O(size(in)) JVPs. */
final class DenseByJvp {
    private DenseByJvp() {}

    static DMatrixRMaj of(LocalJacobian j) {
        int in = j.inSize();
        DMatrixRMaj udot = CommonOps_DDRM.identity(in);
        DMatrixRMaj vdot = new DMatrixRMaj(in, j.outSize());
        j.jvpAdd(udot, vdot);
        DMatrixRMaj d = new DMatrixRMaj(j.outSize(), in);
        CommonOps_DDRM.transpose(vdot, d);
        return d;
    }

    /** The B rows of {@code rows} (each a flattened n×m matrix) side by side: n × (B·m). */
    static DMatrixRMaj sideBySide(DMatrixRMaj rows, int n, int m) {
        int b = rows.numRows;
        DMatrixRMaj s = new DMatrixRMaj(n, b * m);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows.data, r * n * m + i * m, s.data, i * b * m + r * m, m);
            }
        }
        return s;
    }

    /** The inverse of {@link #sideBySide}, added into {@code rows} (B × n·m). */
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
