package io.adjoint.jobs;

import io.adjoint.driver.products.ProductRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint jvp}: Jacobian-vector products for a batch of tangents, by forward mode. */
@Command(
        name = "jvp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Jacobian-vector products for a batch of tangents, by distributed forward mode.",
        description = {
            "Directional derivatives of the output along given tangents, without forming the Jacobian:",
            "  T (k, l)     → DIR/out.npy (p, q)     = Σ over --tangent inputs A of Σ_rs ∂out/∂A[r,s] · T[r,s]",
            "  T (N, k, l)  → DIR/out.npy (N, p, q)  row b for tangent b (every tangent the same N)",
            "(jax.jvp; vmap over the N). Inputs without a --tangent are held fixed. Each op applies its local",
            "Jacobian to the tangents (forward mode); a user op that declares no JVP is applied through its dense",
            "local Jacobian — exact, but slower. The N tangents are split across tasks, each reading its block."
        },
        footer = {
            "",
            "Example:",
            "  adjoint jvp --expr 'tanh(W @ X)' --input W=W.npy --input X=X.npy \\",
            "              --tangent X=T.npy --out dir/        # → dir/out.npy",
            "",
            "Expressions as in 'adjoint jacobian --help'. DIR is created when absent; a non-empty DIR needs --overwrite.",
            "Exit codes: 0 success, 2 usage or input error (nothing is written), 3 internal failure (said on stderr),",
            "130/143 interrupted by Ctrl-C/SIGTERM (finished blocks are kept: rerun with --resume)."
        })
final class JvpCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    InputOptions input;

    @Mixin
    ProductOptions products;

    @Option(
            names = "--tangent",
            paramLabel = "NAME=T.npy",
            required = true,
            description = "Tangent of input NAME: shape (k, l) of the input, or (N, k, l); repeat for more inputs.")
    List<String> tangents = new ArrayList<>();

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        ProductRequest req = new ProductRequest(ProductRequest.Kind.JVP);
        input.fill(req.job);
        products.fill(req);
        req.tangents.putAll(NamedPaths.parse("--tangent", tangents, "T.npy"));
        return ProductCommands.run(spec, spark, req);
    }
}
