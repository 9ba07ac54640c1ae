package io.adjoint.jobs;

import io.adjoint.driver.products.ProductRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint vjp}: vector-Jacobian products for a batch of cotangents, without the Jacobian. */
@Command(
        name = "vjp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Vector-Jacobian products for a batch of cotangents, by distributed reverse mode.",
        description = {
            "Gradients of <G, out> for given cotangents G, without forming the Jacobian:",
            "  G (p, q)     → DIR/NAME.npy (k, l)     = Σ_ij G[i,j] · ∂out[i,j]/∂NAME",
            "  G (N, p, q)  → DIR/NAME.npy (N, k, l)  row b for cotangent b",
            "for each --wrt input (jax.vjp, torch.func.vjp; vmap over the N). The forward pass runs once on the",
            "driver; the N cotangents are split across tasks, each reading its block from storage and running one",
            "reverse sweep for it. Cost per cotangent: about one forward pass."
        },
        footer = {
            "",
            "Example:",
            "  adjoint vjp --expr 'tanh(W @ X)' --input W=W.npy --input X=X.npy --wrt X,W \\",
            "              --cotangent G.npy --out grads/        # → grads/X.npy, grads/W.npy",
            "",
            "Expressions as in 'adjoint jacobian --help'. DIR is created when absent; a non-empty DIR needs --overwrite.",
            "Exit codes: 0 success, 2 usage or input error (nothing is written), 3 internal failure (said on stderr),",
            "130/143 interrupted by Ctrl-C/SIGTERM (finished blocks are kept: rerun with --resume)."
        })
final class VjpCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ExpressionOptions expression;

    @Mixin
    ProductOptions products;

    @Option(
            names = "--cotangent",
            paramLabel = "G.npy",
            required = true,
            description = "Cotangent(s): shape (p, q) of the output, or (N, p, q) for a batch.")
    String cotangent;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        ProductRequest req = new ProductRequest(ProductRequest.Kind.VJP);
        expression.fill(req.job);
        products.fill(req);
        req.cotangent = cotangent;
        return ProductCommands.run(spec, spark, req);
    }
}
