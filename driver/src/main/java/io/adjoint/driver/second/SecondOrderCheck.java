package io.adjoint.driver.second;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Gradients;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.report.ReportedGradcheck;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code gradcheck --order 2}: second derivatives built from the symbolic VJP rules, checked against central
 * differences of first-order gradients computed without them. For each {@code --wrt} input A, one ordinary gradcheck
 * — full or probe mode, its own report in {@code reportDir/grad_<A>}, localization, power statement, exit codes —
 * whose two sides are two expressions of A's gradient:
 * <ul>
 *   <li>analytic: the Jacobian of A's <em>symbolic</em> gradient ({@link Gradients#of}) — the Hessian blocks
 *       ∂²f/∂A∂B for every {@code --wrt} B, swept (full mode) or projected (probe mode) like any Jacobian, so probe
 *       mode never stores a Hessian;</li>
 *   <li>numeric: central differences of A's <em>reverse-mode</em> gradient through each op's local Jacobian
 *       ({@link Gradients#byLocalJacobians}), never the rules.</li>
 * </ul>
 * A rule that is wrong where the op's local Jacobian is right shows as a FAIL. Cost: each perturbation evaluates the
 * reverse-mode gradient (≈ 2–3 forward passes of f); the analytic side sweeps a graph about twice f's size.
 */
public final class SecondOrderCheck {
    private final GradientInputs in;
    private final Map<String, GradcheckRequest> checks;

    private SecondOrderCheck(GradientInputs in, Map<String, GradcheckRequest> checks) {
        this.in = in;
        this.checks = checks;
    }

    /**
     * Prepares f and its gradients ({@code template.job}: expression, inputs, wrt) and one gradcheck per
     * {@code --wrt} input with the template's mode, step, tolerances, projections and seed. A non-scalar f without a
     * cotangent file is checked for a cotangent drawn with {@code template.seed}.
     */
    public static SecondOrderCheck prepare(
            GradcheckRequest template, String cotangent, Configuration conf, FunctionLookup fns) throws IOException {
        if (!template.stored.isEmpty()) {
            throw new InvalidInputException("--jacobian: --order 2 checks our own second derivatives, not stored ones");
        }
        io.adjoint.driver.destination.Destinations.checkFolder(
                "--report", template.reportDir, template.overwrite, "the reports", conf);
        GradientInputs g = GradientInputs.prepare(template.job, cotangent, template.seed, conf, fns);
        Map<String, Expr> reverse = Gradients.byLocalJacobians(g.f.graph, fns, g.f.wrt, g.cotangentName);
        Map<String, GradcheckRequest> checks = new LinkedHashMap<>();
        for (String a : g.f.wrt) {
            GradcheckRequest r = new GradcheckRequest();
            JacobianRequest symbolic = g.jacobianOfGradient(a, g.f.wrt, null);
            symbolic.resultPrefix = "";
            symbolic.command = "gradcheck";
            r.analyticJob = symbolic;
            r.job.expression(reverse.get(a));
            r.job.inputs.putAll(symbolic.inputs);
            r.job.values.putAll(symbolic.values);
            r.job.wrt.addAll(g.f.wrt);
            r.job.seeding = template.job.seeding;
            r.reportDir = new Path(template.reportDir, "grad_" + a).toString();
            r.overwrite = true; // inside the report folder checked above
            r.mode = template.mode;
            r.eps = template.eps;
            r.rtol = template.rtol;
            r.atol = template.atol;
            r.probes = template.probes;
            r.seed = template.seed;
            r.autoFullMaxEntries = template.autoFullMaxEntries;
            checks.put(a, r);
        }
        return new SecondOrderCheck(g, checks);
    }

    /** The reports, in {@code --wrt} order, by input. */
    public Map<String, ReportedGradcheck.Outcome> run(JobContext ctx, FunctionLookup fns, JobLog log)
            throws IOException {
        Configuration conf = ctx.hadoopConfiguration();
        Map<String, ReportedGradcheck.Outcome> out = new LinkedHashMap<>();
        Path report = new Path(checks.values().iterator().next().reportDir).getParent();
        org.apache.hadoop.fs.FileSystem fs = report.getFileSystem(conf);
        boolean created = !fs.exists(report);
        boolean ok = false;
        if (in.drawnCotangent != null && log != null) {
            log.accept("gradcheck: '" + in.f.graph.source() + "' is " + in.f.graph.outputShape() + ", not a scalar:"
                    + " checking the second derivatives of sum(G * f) for a G drawn at random (standard normal, --seed"
                    + " " + checks.values().iterator().next().seed + "; --cotangent G.npy to choose it)");
        }
        try {
            io.adjoint.driver.storage.HadoopFiles.mkdirs(fs, report); // the reports' folder, one per input inside
            for (Map.Entry<String, GradcheckRequest> c : checks.entrySet()) {
                GradcheckInputs gi = GradcheckInputs.prepare(c.getValue(), conf, fns);
                gi.job.warnings.removeIf(w -> w.contains("is not used"));
                gi.analytic.warnings.clear();
                out.put(c.getKey(), ReportedGradcheck.run(ctx, gi, log));
            }
            ok = true;
        } finally {
            if (!ok && created) {
                fs.delete(report, true); // this run made it and all in it
            }
        }
        return out;
    }
}
