package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint jacobian}: the full Jacobian of a matrix expression by distributed reverse mode. */
@Command(
        name = "jacobian",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Full Jacobian of a matrix expression, by distributed reverse mode.",
        description = {
            "Full Jacobian of a matrix expression with respect to one or more inputs, by reverse mode on Spark:",
            "  DIR/NAME.npy[i,j,r,s] = ∂out[i,j] / ∂NAME[r,s],  shape (p, q, k, l), float64, C order",
            "(the layout of torch.autograd.functional.jacobian and jax.jacrev). The forward pass runs once on",
            "the driver; the p·q output rows are split across tasks, each running the reverse sweep for its rows.",
            "Structure is used by default: the pattern of each Jacobian is derived from the expression, and rows",
            "that share no input entry are swept together (--seeding); --format csr stores only its entries."
        },
        footer = {
            "",
            "Expressions (NumPy semantics, every value a 2-D float64 matrix):",
            "  A @ B   A + B   A - B   A * B   A / B   A ** B   (2-D broadcasting of 1×m, n×1, 1×1)   -A   A.T",
            "  elementwise: exp log log1p expm1 sqrt square sin cos tan atan sinh cosh tanh sigmoid relu softplus",
            "    log_sigmoid erf abs sign step   maximum(A, B) minimum(A, B)   pow(A, c)",
            "  reductions (whole, axis 0 or 1): sum mean max min logsumexp norm   softmax(A, 1|0)   trace(A)",
            "  linear algebra: solve(A, B) inv(A) det(A) logdet(A) cholesky(A) tri_solve(L, B)",
            "  shape: A[1:, ::2]  A[2]  concat(A, B, ..., axis)  reshape(A, r, c)  kron(A, B)  diag(A)  tril(A)",
            "    eye(n) ones(r, c) zeros(r, c)          (every op with its PyTorch equivalent: docs/cli.md)",
            "  plus any op on the class path registered as io.adjoint.core.graph.Function (ServiceLoader).",
            "  Precedence as in Python: + - lowest; * / @; unary -; ** ; then .T, [..] and calls (-X.T is -(X.T)).",
            "",
            "Example:",
            "  adjoint jacobian --expr 'tanh(W @ X + b)' --input W=W.npy --input X=X.npy --input b=b.npy \\",
            "                   --wrt X,W --out jac/        # → jac/X.npy, jac/W.npy",
            "",
            "DIR is created when absent; an empty DIR is used; a non-empty DIR needs --overwrite.",
            "One run per DIR at a time (a second one exits 2); results never replace an input file.",
            "Exit codes: 0 success, 2 usage or input error (nothing is written), 3 internal failure (said on stderr),",
            "130/143 interrupted by Ctrl-C/SIGTERM (finished blocks are kept: rerun with --resume)."
        })
final class JacobianCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "Folder for the results, NAME.npy (or NAME.npz with --format csr).")
    String out;

    @Option(names = "--overwrite", description = "Write into a non-empty DIR, replacing its results.")
    boolean overwrite;

    @Mixin
    FormatOption format;

    @Mixin
    SeedingOption seeding;

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
        req.seeding = seeding.seeding;
        format.fill(req);
        req.resume = blocks.resume;
        java.io.PrintWriter err = spec.commandLine().getErr();
        // every check, the input loading and the forward pass happen before Spark starts
        JacobianInputs in = JacobianInputs.prepare(req, spark.hadoopConf("adjoint jacobian"), Functions.standard());
        if (spark.quiet) {
            in.warnings.forEach(w -> err.println("adjoint jacobian: warning: " + w));
        }
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint jacobian")) {
            JacobianJob.run(ctx, in, log);
        }
        return 0;
    }
}
