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

    /**
     * The batched Jacobian-vector product (forward mode) for a block of B tangent rows: V̇[b, :] += U̇[b, :] · Jᵀ,
     * i.e. V̇_ba += Σ_c J_ac U̇_bc — the same local Jacobian applied on the other side. {@code udot} is B × inSize,
     * {@code vdot} B × outSize (accumulated into, which sums over the arguments of v). The default forms
     * {@link #dense()} (outSize × inSize) and multiplies: O(B·outSize·inSize) — every built-in op overrides it with
     * its structured form; a user op without an override still gets exact tangents, at that cost.
     */
    default void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
        org.ejml.dense.row.CommonOps_DDRM.multAddTransB(udot, dense(), vdot);
    }

    /** The dense outSize × inSize local Jacobian, built from the op's closed form (for tests and the explicit path). */
    DMatrixRMaj dense();

    /**
     * When V̄ is a {@link Selection} (row b = val[b]·e_{col[b]}), Ū = V̄·J is also one when J maps each output
     * entry to at most one input entry (elementwise ops, broadcasting, transposes). Returns that selection, or
     * null when this Jacobian mixes entries (the default).
     */
    default Selection mapSelection(Selection vbar) {
        return null;
    }

    /**
     * Ū[b, :] += val[b] · J[col[b], :] for a selection V̄ — B rows of the local Jacobian, scaled. The default
     * expands V̄ and calls {@link #vjpAdd}; ops override it with an O(B·inSize) row read.
     */
    default void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
        vjpAdd(vbar.toDense(), ubar);
    }
}
