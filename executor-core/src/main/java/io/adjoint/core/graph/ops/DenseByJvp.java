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
}
