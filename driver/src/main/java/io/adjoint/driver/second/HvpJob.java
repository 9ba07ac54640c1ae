package io.adjoint.driver.second;

import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.products.ProductInputs;
import io.adjoint.driver.products.ProductJob;
import io.adjoint.driver.products.ProductRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code hvp}: Hessian-vector products without the Hessian. For tangents V_A of inputs A (one (k, l) or a batch
 * (N, k, l), as {@code jvp}) and each {@code --wrt} input B, {@code DIR/<B>.npy} = Σ_A ∂²f/∂B∂A · V_A — the JVP of
 * B's gradient expression ({@link GradientInputs}) by the {@code jvp} job: forward mode over the gradient, about
 * one forward pass of it (≈ 2–3 of f) per tangent, split across tasks. One jvp job per B, in order.
 */
public final class HvpJob {
    private HvpJob() {}

    /** The prepared jvp jobs, one per {@code --wrt} input, all checked before any runs. */
    public static List<ProductInputs> prepare(
            GradientInputs in, Map<String, String> tangents, Configuration conf, FunctionLookup fns)
            throws IOException {
        List<ProductInputs> runs = new ArrayList<>();
        JacobianRequest user = in.f.request;
        for (String b : in.gradients.keySet()) {
            JacobianRequest grad = in.jacobianOfGradient(b, List.of(), null);
            ProductRequest r = new ProductRequest(ProductRequest.Kind.JVP);
            r.job.expression(grad.expression);
            r.job.inputs.putAll(grad.inputs);
            r.job.values.putAll(grad.values);
            r.tangents.putAll(tangents);
            r.outDir = user.outDir;
            r.overwrite = user.overwrite || !runs.isEmpty(); // checked for the first; the earlier ones write there
            r.resume = user.resume;
            r.rowsPerTask = user.rowsPerTask;
            r.jvpResultName = b;
            r.commandName = "hvp";
            ProductInputs p = ProductInputs.prepare(r, conf, fns);
            p.job.warnings.removeIf(w -> w.contains("is not used"));
            runs.add(p);
        }
        return runs;
    }

    /** Runs the prepared jobs in order. */
    public static void run(JobContext ctx, List<ProductInputs> runs, JobLog log) throws IOException {
        for (ProductInputs p : runs) {
            ProductJob.run(ctx, p, log);
        }
    }
}
