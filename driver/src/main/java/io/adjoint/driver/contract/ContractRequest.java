package io.adjoint.driver.contract;

import io.adjoint.core.linalg.JacobianOperand;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asked the {@code contract} job to do; plain values, filled by the CLI or from Java. Nothing is
 * checked here; {@link ContractInputs#prepare} checks everything once.
 */
public final class ContractRequest {
    /** Paths or Hadoop URIs of A_1 … A_T, each (p, q, n_t, m_t). */
    public final List<String> adjoints = new ArrayList<>();
    /** Paths or Hadoop URIs of J_1 … J_T, each (n_t, m_t, k, l); paired with {@link #adjoints} by order. */
    public final List<String> jacobians = new ArrayList<>();
    /** Destination of G (p, q, k, l). */
    public String out;
    /** Replace an existing destination. */
    public boolean overwrite;
    /** Result rows per task; null lets the planner choose. */
    public Integer rowsPerTask;
    /** Most bytes the Jacobians may take in the broadcast (dense float64 size); 0 for the default. */
    public long broadcastBudget;
    /** Broadcast the Jacobians, stream them from storage, or let the cost model choose. */
    public ContractPlan.Choice plan = ContractPlan.Choice.AUTO;
    /** Density below which a Jacobian is held sparse. */
    public double sparseDensity = JacobianOperand.DEFAULT_SPARSE_DENSITY;
    /** Continue an interrupted run with the same inputs and arguments, reusing its finished blocks. */
    public boolean resume;
    /** Write part files and assemble them at commit even on the local FileSystem (tests). */
    public boolean forcePartsOutput;
}
