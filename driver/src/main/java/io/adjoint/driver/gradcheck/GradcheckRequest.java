package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.Tolerance;
import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the user asked {@code gradcheck} to do. The expression, inputs and wrt live in {@link #job} (its output
 * folder stays unset: a check writes a report, not Jacobians). Nothing is checked here;
 * {@link GradcheckInputs#prepare} checks everything once.
 */
public final class GradcheckRequest {
    /** Expression, inputs, wrt. */
    public final JacobianRequest job = new JacobianRequest();
    /** The report folder. */
    public String reportDir;
    /** Write into a non-empty report folder. */
    public boolean overwrite;

    public CheckMode mode = CheckMode.AUTO;
    public double eps = Tolerance.DEFAULT_EPS;
    public double rtol = Tolerance.DEFAULT_RTOL;
    public double atol = Tolerance.DEFAULT_ATOL;
    /**
     * Random projections of the whole Jacobian per input in probe mode; null: as many as it takes (16 to 64) to
     * detect a single wrong entry of size atol with probability ≥ 1 − 10⁻⁶.
     */
    public Integer probes;

    public long seed = 1;
    /**
     * The expression whose Jacobian is the analytic side, when it is not {@link #job}'s (same inputs and wrt): a
     * second-order check sweeps the symbolic gradient and differences the reverse-mode one. Null: {@link #job}'s.
     */
    public JacobianRequest analyticJob;
    /** Input name → stored Jacobian to check instead of our own sweep. */
    public final Map<String, String> stored = new LinkedHashMap<>();
    /** auto picks full when p·q·k·l is at most this. */
    public long autoFullMaxEntries = 4_000_000L;
    /** Worst entries kept in the report. */
    public int worst = 10;
    /** Heatmap tiles per axis (at most). */
    public int grid = 64;
}
