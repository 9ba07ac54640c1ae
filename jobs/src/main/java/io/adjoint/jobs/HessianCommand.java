package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.second.GradientInputs;
import io.adjoint.driver.second.HessianJob;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint hessian}: second derivatives of a scalar expression, as the Jacobian of its gradient. */
@Command(
        name = "hessian",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "The Hessian of a scalar expression: the distributed Jacobian of its gradient expression.",
        description = {
            "For a 1×1 expression f (or sum(G * f) with --cotangent G.npy) and --wrt A,B,…, every ordered pair",
            "  DIR/A.B.npy[i,j,r,s] = ∂²f / ∂A[i,j] ∂B[r,s],  shape shape(A) + shape(B), float64, C order",
            "(the layout of torch.autograd.functional.hessian's tuple of tuples). The gradient of f with respect",
            "to A is built as an expression from every op's symbolic VJP rule ('adjoint grad --print' shows it);",
            "its Jacobian is computed by the jacobian job — structure, compressed seeding, blocks, atomic commit,",
            "--resume, progress and --format as there (csr: rows the flattened A, columns the flattened B).",
            "A diagonal block A.A is symmetric: it is star-coloured where that takes fewer sweeps (--colouring)."
        },
        footer = {
            "",
            "Example:",
            "  adjoint hessian --expr 'sum(square(tanh(W @ X) - Y))' --input W=W.npy --input X=X.npy \\",
            "                  --input Y=Y.npy --wrt X --out hess/        # → hess/X.X.npy",
            "",
            "DIR is created when absent; an empty DIR is used; a non-empty DIR needs --overwrite.",
            "Exit codes: 0 success, 2 usage or input error (a non-scalar f without --cotangent; an op without a",
            "symbolic VJP rule), 3 internal failure, 130/143 interrupted (rerun with --resume)."
        })
final class HessianCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Option(
            names = "--cotangent",
            paramLabel = "G.npy",
            description = "For a non-scalar f: second derivatives of sum(G * f), G of f's shape (p, q).")
    String cotangent;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for DIR/A.B.npy.")
    String out;

    @Option(names = "--overwrite", description = "Write into a non-empty DIR, replacing its results.")
    boolean overwrite;

    @Mixin
    FormatOption format;

    @Mixin
    SeedingOption seeding;

    @Option(
            names = "--colouring",
            paramLabel = "KIND",
            defaultValue = "auto",
            description = {
                "How the diagonal blocks A.A (symmetric) are coloured when compressed:",
                "auto (default): a star colouring (Gebremedhin–Manne–Pothen) where it sweeps fewer",
                "  seeds than the distance-2 colouring: one sweep per colour over all rows, then each",
                "  entry read back by symmetry; the plan lines (-v) give both colourings' colours.",
                "distance-2: rows that share no column share a seed, as for any Jacobian."
            })
    String colouring;

    @Mixin
    BlockJobOptions blocks;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        JacobianRequest req = new JacobianRequest().out(out);
        expression.fill(req);
        req.overwrite = overwrite;
        req.rowsPerTask = blocks.rowsPerTask;
        req.resume = blocks.resume;
        req.seeding = seeding.seeding;
        req.starColouring = switch (colouring.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto", "star" -> true;
            case "distance-2", "distance2" -> false;
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--colouring " + colouring + ": auto or distance-2");
        };
        format.fill(req);
        Functions fns = Functions.standard();
        org.apache.hadoop.conf.Configuration conf = spark.hadoopConf("adjoint hessian");
        GradientInputs in = GradientInputs.prepare(req, cotangent, conf, fns);
        List<JacobianInputs> runs = HessianJob.prepare(in, conf, fns);
        java.io.PrintWriter err = spec.commandLine().getErr();
        if (spark.quiet) {
            runs.get(0).warnings.forEach(w -> err.println("adjoint hessian: warning: " + w));
        }
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint hessian")) {
            HessianJob.run(ctx, runs, log);
        }
        return 0;
    }
}
