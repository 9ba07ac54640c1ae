package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.driver.GradcheckJob;
import io.adjoint.driver.GradcheckReport;
import io.adjoint.driver.GradcheckRequest;
import io.adjoint.driver.GradcheckResult;
import io.adjoint.driver.JacobianInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint gradcheck}: analytic derivatives against central differences, at cluster scale. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Check a Jacobian (ours or a stored one) against central differences.",
        description = {
            "Compare the Jacobian of an expression — from our reverse sweep, or a stored one (--jacobian) — with",
            "central differences (f(x + h·e) − f(x − h·e)) / 2h. An entry passes when",
            "  |analytic − numeric| ≤ atol + rtol·|numeric|.",
            "full compares every entry; probe checks random projections vᵀJu and, where one disagrees, bisects",
            "over row and column tiles down to the wrong tiles and checks those in full; auto picks full for",
            "Jacobians of at most 4,000,000 entries. Writes DIR/report.json, DIR/report.md and",
            "DIR/error-heatmap.png; prints one verdict line."},
        footer = {"", "Defaults: --eps 1e-6 --rtol 1e-5 --atol 1e-6. Central differences in float64 with h = 1e-6 are",
            "accurate to about ε·|f|/h + h²·|f‴|/6 ≈ 1e-10 for values of order one, so these tolerances leave four",
            "orders of margin for badly scaled functions, while a wrong derivative is off by its own size.",
            "(torch.autograd.gradcheck: eps 1e-6, atol 1e-5, rtol 1e-3.)",
            "", "Example:",
            "  adjoint gradcheck --expr 'tanh(W @ X + b)' --input W=W.npy --input X=X.npy --input b=b.npy \\",
            "                    --wrt X,W --report check/",
            "", "Exit codes: 0 PASS, 1 FAIL (or an internal failure, said on stderr), 2 usage or input error",
            "(nothing is written)."})
final class GradcheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--expr", paramLabel = "EXPR", required = true, description = "The expression, quoted.")
    String expr;

    @Option(names = "--input", paramLabel = "NAME=PATH", required = true, description = "A 2-D .npy input; repeat for each.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--wrt", paramLabel = "NAME", split = ",", required = true, description = "Input(s) to check, comma-separated.")
    List<String> wrt = new ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR", required = true,
            description = "Report folder (created when absent; a non-empty one needs --overwrite).")
    String report;

    @Option(names = "--mode", defaultValue = "auto", description = "full, probe or auto (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--eps", defaultValue = "1e-6", description = "Central-difference step h (default ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-6", description = "Absolute tolerance (default ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--probes", defaultValue = "16", description = "Random projections per input in probe mode (default ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random projections (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--jacobian", paramLabel = "NAME=J.npy",
            description = "Check this stored Jacobian (p, q, k, l) of NAME instead of our own sweep; repeatable.")
    List<String> stored = new ArrayList<>();

    @Option(names = "--overwrite", description = "Write into a non-empty report folder.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        GradcheckRequest req = new GradcheckRequest();
        JacobianCommand.fill(req.job, expr, inputs, wrt, report, overwrite);
        if (!List.of("full", "probe", "auto").contains(mode)) {
            throw new InvalidInputException("--mode " + mode + ": expected full, probe or auto");
        }
        req.mode = mode;
        if (!(eps > 0) || !(rtol >= 0) || !(atol >= 0)) {
            throw new InvalidInputException("--eps must be > 0 and --rtol, --atol ≥ 0 (got eps " + eps + ", rtol " + rtol
                    + ", atol " + atol + ")");
        }
        if (probes < 1) {
            throw new InvalidInputException("--probes must be at least 1, got " + probes);
        }
        req.eps = eps;
        req.rtol = rtol;
        req.atol = atol;
        req.probes = probes;
        req.seed = seed;
        for (String s : stored) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new InvalidInputException("--jacobian " + s + ": expected NAME=J.npy");
            }
            String name = s.substring(0, eq).trim();
            if (!req.job.wrt.contains(name)) {
                throw new InvalidInputException("--jacobian " + name + "=…: " + name + " is not in --wrt "
                        + String.join(",", req.job.wrt));
            }
            req.stored.put(name, s.substring(eq + 1).trim());
        }
        Configuration hconf = new Configuration();
        JacobianInputs in = JacobianInputs.prepare(req.job, hconf, Functions.standard());
        Shape2 out = in.graph.outputShape();
        for (var e : req.stored.entrySet()) {
            Shape2 x = in.wrtShapes.get(e.getKey());
            GradcheckJob.checkStored(e.getKey(), e.getValue(), new Shape4(out.rows, out.cols, x.rows, x.cols), hconf);
        }
        java.io.PrintWriter err = spec.commandLine().getErr();
        in.warnings.forEach(w -> err.println("adjoint gradcheck: warning: " + w));
        Path dir = new Path(report);
        FileSystem fs = dir.getFileSystem(hconf);
        boolean created = !fs.exists(dir);
        if (created && !fs.mkdirs(dir)) {
            throw new java.io.IOException("could not create " + report);
        }
        boolean ok = false;
        long t0 = System.nanoTime();
        JavaSparkContext jsc = spark.start("adjoint gradcheck");
        try {
            List<GradcheckResult> results = GradcheckJob.run(jsc, req, in, spark.quiet ? null : err::println);
            GradcheckReport.write(report, req, results, (System.nanoTime() - t0) / 1e9, jsc.hadoopConfiguration());
            ok = true;
            spec.commandLine().getOut().println(GradcheckReport.verdict(results));
            return results.stream().allMatch(GradcheckResult::passed) ? 0 : 1;
        } finally {
            jsc.stop();
            if (!ok && created) {
                fs.delete(dir, true);
            }
        }
    }
}
