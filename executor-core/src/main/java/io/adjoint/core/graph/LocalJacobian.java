package io.adjoint.core.graph;

import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;

/**
 * The local Jacobian of one edge u → v of the graph, ∂v/∂u of shape size(v) × size(u), held in
 * structured form (what the op needs, never a dense matrix unless the op is dense), computed on the
 * driver by the forward pass and broadcast to executors.
 */
public interface LocalJacobian extends Serializable {
    /** size(v): the columns of an adjoint block of v. */
    int outSize();

    /** size(u): the columns of an adjoint block of u. */
    int inSize();

    /**
     * The batched vector-Jacobian product for a block of B adjoint rows:
     * Ū[b, :] += V̄[b, :] · ∂v/∂u, i.e. Ū_bc += Σ_a V̄_ba J_ac. {@code ubar} is modified (accumulated into,
     * which is what sums over the consumers of u); {@code vbar} is B × outSize, {@code ubar} B × inSize.
     */
    void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar);

    /** The dense outSize × inSize local Jacobian, built from the op's closed form (for tests and the explicit path). */
    DMatrixRMaj dense();
}
