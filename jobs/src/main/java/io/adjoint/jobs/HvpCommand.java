package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.products.ProductInputs;
import io.adjoint.driver.second.GradientInputs;
import io.adjoint.driver.second.HvpJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint hvp}: Hessian-vector products, by forward mode over the gradient expression. */
@Command(
        name = "hvp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Hessian-vector products of a scalar expression, without forming the Hessian.",
        description = {
            "For a 1×1 expression f (or sum(G * f) with --cotangent G.npy), tangents V of inputs A and each --wrt",
            "input B:",
            "  DIR/B.npy = Σ_A ∂²f/∂B∂A · V_A     shape of B, or (N, …) for a batch of N tangents (N, k, l)",
            "(torch.autograd.functional.hvp; jax.jvp(jax.grad(f), …)): the JVP of B's gradient expression, by the",
            "jvp job — about one forward pass of the gradient (2–3 of f) per tangent, never the Hessian."
        },
        footer = {
            "",
            "Example:",
            "  adjoint hvp --expr 'sum(square(tanh(W @ X) - Y))' --input W=W.npy --input X=X.npy --input Y=Y.npy \\",
            "              --wrt X --tangent X=V.npy --out hv/        # → hv/X.npy",
            "",
            "DIR is created when absent; a non-empty DIR needs --overwrite.",
            "Exit codes: 0 success, 2 usage or input error, 3 internal failure, 130/143 interrupted (--resume)."
        })
final class HvpCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Option(
            names = "--tangent",
            paramLabel = "NAME=V.npy",
            required = true,
            description = "Tangent of input NAME: (k, l) of the input, or (N, k, l); repeat for more inputs.")
    List<String> tangents = new ArrayList<>();

    @Option(
            names = "--cotangent",
            paramLabel = "G.npy",
            description = "For a non-scalar f: products with the Hessian of sum(G * f), G of f's shape (p, q).")
    String cotangent;

    @Mixin
    ProductOptions products;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        JacobianRequest req = new JacobianRequest();
        expression.fill(req);
        req.outDir = products.out;
        req.overwrite = products.overwrite;
        req.rowsPerTask = products.blocks.rowsPerTask;
        req.resume = products.blocks.resume;
        Functions fns = Functions.standard();
        org.apache.hadoop.conf.Configuration conf = spark.hadoopConf("adjoint hvp");
        GradientInputs in = GradientInputs.prepare(req, cotangent, conf, fns);
        List<ProductInputs> runs = HvpJob.prepare(in, NamedPaths.parse("--tangent", tangents, "V.npy"), conf, fns);
        java.io.PrintWriter err = spec.commandLine().getErr();
        if (spark.quiet) {
            in.f.warnings.forEach(w -> err.println("adjoint hvp: warning: " + w));
        }
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint hvp")) {
            HvpJob.run(ctx, runs, log);
        }
        return 0;
    }
}
