package io.adjoint.driver.second;

import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.jacobian.JacobianRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code hessian}: for a scalar f (or ⟨G, f⟩) and {@code --wrt A, B, …}, every ordered pair
 * {@code DIR/<A>.<B>.npy} of shape shape(A) + shape(B), H[i, j, r, s] = ∂²f/∂A[i, j]∂B[r, s] — the Jacobian of A's
 * gradient expression ({@link GradientInputs}) with respect to B, by the {@code jacobian} job: the same planner,
 * structural patterns and compressed seeding, blocks, atomic commit, {@code --resume}, progress and formats
 * ({@code --format csr}: rows the flattened A, columns the flattened B). One jacobian job per A, in order; each
 * costs about (colours or rows of its pattern) × a forward pass of the gradient expression (≈ 2–3 of f), spread over
 * the tasks.
 */
public final class HessianJob {
    private HessianJob() {}

    /**
     * The jacobian jobs of the gradients, every one prepared (inputs read, patterns found, the destination checked)
     * before any runs: a bad request costs milliseconds and writes nothing.
     */
    public static List<JacobianInputs> prepare(GradientInputs in, Configuration conf, FunctionLookup fns)
            throws IOException {
        List<JacobianInputs> runs = new ArrayList<>();
        for (String a : in.gradients.keySet()) {
            JacobianRequest r = in.jacobianOfGradient(a, in.f.wrt, in.f.request.outDir);
            r.overwrite |= !runs.isEmpty(); // the folder was checked for the first; the earlier ones write there
            JacobianInputs ji = JacobianInputs.prepare(r, conf, fns);
            // the gradient of A need not read every input, nor G: not the user's concern here
            ji.warnings.removeIf(w -> w.contains("is not used"));
            runs.add(ji);
        }
        return runs;
    }

    /** Runs the prepared jobs in order. */
    public static List<JacobianJob.Summary> run(JobContext ctx, List<JacobianInputs> runs, JobLog log)
            throws IOException {
        List<JacobianJob.Summary> done = new ArrayList<>();
        for (JacobianInputs ji : runs) {
            done.add(JacobianJob.run(ctx, ji, log));
        }
        return done;
    }
}
