package io.adjoint.core.graph;

import org.ejml.data.DMatrixRMaj;

/** What an op's forward pass returns: its value and one local Jacobian per matrix argument. */
public final class Evaluated {
    public final DMatrixRMaj value;
    public final LocalJacobian[] jacobians;

    public Evaluated(DMatrixRMaj value, LocalJacobian... jacobians) {
        this.value = value;
        this.jacobians = jacobians;
    }
}
