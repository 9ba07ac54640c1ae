package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.second.GradientInputs;
import io.adjoint.driver.second.GradientJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint grad}: the gradient of a scalar expression as an expression, printed or evaluated. */
@Command(
        name = "grad",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "The gradient of a scalar expression, as an expression: printed, or evaluated to files.",
        description = {
            "The gradient of a 1×1 expression f — or of sum(G * f) for a cotangent G of f's shape — with respect to",
            "each --wrt input, built from every op's symbolic VJP rule by reverse accumulation:",
            "  --print         one line per input, '<NAME>: <expression>', in the expression language (it parses",
            "                  back: 'adjoint jacobian --expr <expression>' takes it; the cotangent is the input G)",
            "  --out DIR       DIR/NAME.npy of NAME's shape: the gradient's value (what 'adjoint vjp' computes",
            "                  with the same cotangent)",
            "The Hessian is this expression's Jacobian ('adjoint hessian')."
        },
        footer = {
            "",
            "Example:",
            "  adjoint grad --expr 'sum(tanh(W @ X))' --input W=W.npy --input X=X.npy --wrt X,W --print",
            "    X: (W.T @ (1 - square(tanh(W @ X))))",
            "    W: ((1 - square(tanh(W @ X))) @ X.T)",
            "",
            "Exit codes: 0 success, 2 usage or input error (a non-scalar f without --cotangent; an op without a",
            "symbolic VJP rule), 3 internal failure."
        })
final class GradCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Option(
            names = "--cotangent",
            paramLabel = "G.npy",
            description = "For a non-scalar f: the gradient of sum(G * f), G of f's shape (p, q).")
    String cotangent;

    @Option(names = "--print", description = "Print each gradient as an expression instead of evaluating it.")
    boolean print;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for DIR/NAME.npy (without --print).")
    String out;

    @Option(names = "--overwrite", description = "Write into a non-empty DIR, replacing its results.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        if (print == (out != null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "give --print (the gradients as expressions) or --out DIR (their values)");
        }
        JacobianRequest req = new JacobianRequest();
        expression.fill(req);
        req.outDir = out;
        req.overwrite = overwrite;
        Functions fns = Functions.standard();
        if (print) { // the inputs' headers only: their shapes are all a gradient expression needs
            GradientInputs.expressions(req, cotangent, spark.hadoopConf("adjoint grad"), fns)
                    .forEach((name, e) -> spec.commandLine().getOut().println(name + ": " + e.text));
            return 0;
        }
        GradientInputs in = GradientInputs.prepare(req, cotangent, spark.hadoopConf("adjoint grad"), fns);
        java.io.PrintWriter err = spec.commandLine().getErr();
        io.adjoint.driver.destination.Destinations.checkFolder(
                "--out", out, overwrite, "the gradients", spark.hadoopConf("adjoint grad"));
        if (spark.quiet) {
            in.f.warnings.forEach(w -> err.println("adjoint grad: warning: " + w));
        }
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint grad")) {
            GradientJob.run(ctx, in, fns, log);
        }
        return 0;
    }
}
