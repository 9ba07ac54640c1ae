package io.adjoint.jobs;

import io.adjoint.driver.products.ProductRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code vjp} and {@code jvp} share beyond the expression: the results folder and the block options. */
final class ProductOptions {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the results.")
    String out;

    @Option(names = "--overwrite", description = "Write into a non-empty DIR, replacing the result files.")
    boolean overwrite;

    @Mixin
    BlockJobOptions blocks;

    /** Maps the options into {@code req}. */
    void fill(ProductRequest req) {
        req.outDir = out;
        req.overwrite = overwrite;
        req.rowsPerTask = blocks.rowsPerTask;
        req.resume = blocks.resume;
    }
}
