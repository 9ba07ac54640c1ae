package io.adjoint.driver.second;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Gradients;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.report.ReportedGradcheck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code gradcheck --order 2}: second derivatives built from the symbolic VJP rules, checked against central
 * differences of first-order gradients computed without them. For each {@code --wrt} input A:
 * <ul>
 *   <li>analytic: the Hessian blocks H[A, B] for every {@code --wrt} B — the Jacobian of A's symbolic gradient, by
 *       the {@code hessian} job, written densely to a work folder;</li>
 *   <li>numeric: central differences of A's reverse-mode gradient through each op's local Jacobian
 *       ({@link Gradients#byLocalJacobians}), never the rules;</li>
 *   <li>compared by the ordinary gradcheck — full or probe mode, the same report, localization, power statement and
 *       exit codes — as stored Jacobians of that numeric expression, one report per A.</li>
 * </ul>
 * A rule that is wrong where the op's local Jacobian is right shows as a FAIL. Each H[A, B] is stored whole, so the
 * sizes are those a dense Hessian fits on disk; the numeric side costs two evaluations of the gradient (≈ 2–3 forward
 * passes of f each) per column in full mode.
 */
public final class SecondOrderCheck {
    /** The work folder's suffix, beside the report folder: the analytic Hessians, removed after the check. */
    public static final String WORK = ".adjoint-order2-work";

    private final GradientInputs in;
    private final List<JacobianInputs> hessians;
    private final Map<String, GradcheckRequest> checks;
    private final Path work;

    private SecondOrderCheck(
            GradientInputs in, List<JacobianInputs> hessians, Map<String, GradcheckRequest> checks, Path work) {
        this.in = in;
        this.hessians = hessians;
        this.checks = checks;
        this.work = work;
    }

    /**
     * Prepares everything before anything runs: f and its gradients ({@code template.job}: expression, inputs, wrt),
     * the Hessian jobs into the work folder, and one gradcheck per {@code --wrt} input — its report in
     * {@code reportDir/grad_<A>} — with the template's mode, step, tolerances, projections and seed.
     */
    public static SecondOrderCheck prepare(
            GradcheckRequest template, String cotangent, Configuration conf, FunctionLookup fns) throws IOException {
        if (!template.stored.isEmpty()) {
            throw new InvalidInputException("--jacobian: --order 2 checks our own second derivatives, not stored ones");
        }
        io.adjoint.driver.destination.Destinations.checkFolder(
                "--report", template.reportDir, template.overwrite, "the reports", conf);
        JacobianRequest f = template.job;
        GradientInputs g = GradientInputs.prepare(f, cotangent, template.seed, conf, fns);
        Path report = new Path(template.reportDir);
        Path work =
                new Path(report.getParent(), "." + report.getName() + WORK); // beside it: the report is not made yet
        f.outDir = work.toString();
        f.overwrite = true; // the work folder is ours: a killed run's is replaced
        List<JacobianInputs> hessians = HessianJob.prepare(g, conf, fns);
        f.outDir = null;
        Map<String, Expr> reverse = Gradients.byLocalJacobians(g.f.graph, fns, g.f.wrt, g.cotangentName);
        Map<String, GradcheckRequest> checks = new LinkedHashMap<>();
        for (String a : g.f.wrt) {
            GradcheckRequest r = new GradcheckRequest();
            JacobianRequest j = g.jacobianOfGradient(a, g.f.wrt, null);
            r.job.expression(reverse.get(a));
            r.job.inputs.putAll(j.inputs);
            r.job.values.putAll(j.values);
            r.job.wrt.addAll(g.f.wrt);
            r.reportDir = new Path(template.reportDir, "grad_" + a).toString();
            r.overwrite = true; // inside the report folder checked above
            r.mode = template.mode;
            r.eps = template.eps;
            r.rtol = template.rtol;
            r.atol = template.atol;
            r.probes = template.probes;
            r.seed = template.seed;
            r.autoFullMaxEntries = template.autoFullMaxEntries;
            for (String b : g.f.wrt) {
                r.stored.put(b, new Path(work, a + "." + b + ".npy").toString());
            }
            checks.put(a, r);
        }
        return new SecondOrderCheck(g, hessians, checks, work);
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
            // the Hessians are this check's work, not its results: what they wrote is detail
            JobLog work = log == null
                    ? null
                    : new JobLog() {
                        @Override
                        public void accept(String line) {
                            log.detail(line);
                        }

                        @Override
                        public void progress(String line) {
                            log.progress(line);
                        }
                    };
            HessianJob.run(ctx, hessians, work);
            io.adjoint.driver.storage.HadoopFiles.mkdirs(fs, report); // the reports' folder, one per input inside
            for (Map.Entry<String, GradcheckRequest> c : checks.entrySet()) {
                GradcheckInputs gi = GradcheckInputs.prepare(c.getValue(), conf, fns);
                gi.job.warnings.removeIf(w -> w.contains("is not used"));
                out.put(c.getKey(), ReportedGradcheck.run(ctx, gi, log));
            }
            ok = true;
        } finally {
            fs.delete(this.work, true);
            if (!ok && created) {
                fs.delete(report, true); // this run made it and all in it
            }
        }
        return out;
    }

    /** The inputs checked, in order. */
    public List<String> inputs() {
        return new ArrayList<>(in.gradients.keySet());
    }
}
