package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.gradcheck.CheckMode;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.report.ReportedGradcheck;
import io.adjoint.driver.second.SecondOrderCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint gradcheck}: analytic derivatives against central differences, at cluster scale. */
@Command(
        name = "gradcheck",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Check a Jacobian (ours or a stored one) against central differences.",
        description = {
            "Compare the Jacobian of an expression — from our reverse sweep, or a stored one (--jacobian) — with",
            "central differences (f(x + h·e) − f(x − h·e)) / 2h. An entry passes when",
            "  |analytic − numeric| ≤ atol + rtol·|numeric|.",
            "full compares every entry; probe checks random projections vᵀJu — a projection disagrees when its",
            "|analytic − numeric| exceeds 10× the differences' own measured noise (steps h and 2h) — and, where one",
            "disagrees, bisects over row and column tiles down to the wrong tiles and checks those in full; the",
            "verdict states the smallest single wrong entry it detects with probability ≥ 1 − 1e-6. auto picks full",
            "for Jacobians of at most 4,000,000 entries. Writes DIR/report.json, DIR/report.md and",
            "DIR/error-heatmap.png; prints one verdict line."
        },
        footer = {
            "",
            "Defaults: --eps 1e-6 --rtol 1e-5 --atol 1e-6. Central differences in float64 with h = 1e-6 are",
            "accurate to about ε·|f|/h + h²·|f‴|/6 ≈ 1e-10 for values of order one, so these tolerances leave four",
            "orders of margin for badly scaled functions, while a wrong derivative is off by its own size.",
            "(torch.autograd.gradcheck: eps 1e-6, atol 1e-5, rtol 1e-3.)",
            "",
            "Example:",
            "  adjoint gradcheck --expr 'tanh(W @ X + b)' --input W=W.npy --input X=X.npy --input b=b.npy \\",
            "                    --wrt X,W --report check/",
            "",
            "Exit codes: 0 PASS, 1 FAIL, 2 usage or input error (nothing is written), 3 internal failure (said on",
            "stderr; the check did not complete, so there is no verdict), 130/143 interrupted by Ctrl-C/SIGTERM."
        })
final class GradcheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Mixin
    SeedingOption seeding;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            required = true,
            description = "Report folder (created when absent; a non-empty one needs --overwrite).")
    String report;

    @Option(names = "--mode", defaultValue = "auto", description = "full, probe or auto (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--eps",
            defaultValue = "1e-6",
            description = "Central-difference step h (default ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-6", description = "Absolute tolerance (default ${DEFAULT-VALUE}).")
    double atol;

    @Option(
            names = "--probes",
            paramLabel = "N",
            description = "Random projections of the whole Jacobian per input in probe mode (default: as many as it"
                    + " takes, 16 to 64, to detect a single wrong entry of size atol with probability ≥ 1 − 1e-6; the verdict"
                    + " states the size reached); at most 4096.")
    Integer probes;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the random projections (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--jacobian",
            paramLabel = "NAME=J.npy",
            description =
                    "Check this stored Jacobian of NAME instead of our own sweep: shape (p, q, k, l), the flattened"
                            + " (p·q, k·l), or without its axes of size 1 as PyTorch writes it for 1-D tensors; repeatable.")
    List<String> stored = new ArrayList<>();

    @Option(names = "--overwrite", description = "Write into a non-empty report folder.")
    boolean overwrite;

    @Option(
            names = "--order",
            defaultValue = "1",
            description = "2: check second derivatives — for each --wrt input A, the Hessian blocks ∂²f/∂A∂B built"
                    + " from the ops' symbolic VJP rules against central differences of A's reverse-mode gradient"
                    + " (through the local Jacobians, not the rules); f 1×1 or --cotangent; a report per A in"
                    + " DIR/grad_A/ (default ${DEFAULT-VALUE}).")
    int order;

    @Option(
            names = "--cotangent",
            paramLabel = "G.npy",
            description = "With --order 2 and a non-scalar f: check the second derivatives of sum(G * f).")
    String cotangent;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        GradcheckRequest req = new GradcheckRequest();
        expression.fill(req.job);
        req.job.seeding = seeding.seeding;
        req.reportDir = report;
        req.overwrite = overwrite;
        req.mode = CheckMode.parse(mode);
        req.eps = eps;
        req.rtol = rtol;
        req.atol = atol;
        req.probes = probes;
        req.seed = seed;
        req.stored.putAll(NamedPaths.parse("--jacobian", stored, "J.npy"));
        if (order != 1 && order != 2) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--order " + order + ": 1 (first derivatives) or 2 (second derivatives)");
        }
        if (cotangent != null && order == 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--cotangent goes with --order 2 (a first-order check covers every output)");
        }
        if (order == 2) {
            return secondOrder(req);
        }
        // every check, the input loading and the forward pass happen before Spark starts
        GradcheckInputs in = GradcheckInputs.prepare(req, spark.hadoopConf("adjoint gradcheck"), Functions.standard());
        java.io.PrintWriter err = spec.commandLine().getErr();
        in.job.warnings.forEach(w -> err.println("adjoint gradcheck: warning: " + w));
        ReportedGradcheck.Outcome o;
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint gradcheck")) {
            o = ReportedGradcheck.run(ctx, in, log);
        }
        // after the log's last line (a progress line on the terminal is erased first)
        spec.commandLine().getOut().println(o.verdict());
        return o.passed() ? 0 : 1;
    }

    /** {@code --order 2}: a verdict line per --wrt input, "∇A: PASS: …"; 1 when any fails. */
    private int secondOrder(GradcheckRequest req) throws java.io.IOException {
        Functions fns = Functions.standard();
        SecondOrderCheck check = SecondOrderCheck.prepare(req, cotangent, spark.hadoopConf("adjoint gradcheck"), fns);
        java.util.Map<String, ReportedGradcheck.Outcome> outcomes;
        try (StderrLog log = spark.log(spec.commandLine().getErr());
                JobContext ctx = spark.context("adjoint gradcheck")) {
            outcomes = check.run(ctx, fns, log);
        }
        boolean passed = true;
        for (java.util.Map.Entry<String, ReportedGradcheck.Outcome> o : outcomes.entrySet()) {
            spec.commandLine()
                    .getOut()
                    .println("∇" + o.getKey() + ": " + o.getValue().verdict());
            passed &= o.getValue().passed();
        }
        return passed ? 0 : 1;
    }
}
