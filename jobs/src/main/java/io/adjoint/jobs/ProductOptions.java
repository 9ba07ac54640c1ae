package io.adjoint.jobs;

import io.adjoint.driver.products.ProductRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code vjp} and {@code jvp} share: the expression, its inputs, the folder, products per task, resume. */
final class ProductOptions {
    @Option(names = "--expr", paramLabel = "EXPR", required = true, description = "The expression, quoted.")
    String expr;

    @Option(
            names = "--input",
            paramLabel = "NAME=PATH",
            required = true,
            description = "A 2-D .npy input (any dtype the reader accepts); repeat for each.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the results.")
    String out;

    @Option(names = "--overwrite", description = "Write into a non-empty DIR, replacing the result files.")
    boolean overwrite;

    @Option(
            names = "--rows-per-task",
            paramLabel = "B",
            description = "Products per task, swept together (default: chosen from sizes, memory and parallelism;"
                    + " logged).")
    Integer rowsPerTask;

    @Option(
            names = "--resume",
            description = "Continue an interrupted run with the same inputs and arguments: blocks it finished are"
                    + " reused, missing or damaged ones recomputed.")
    boolean resume;

    /** Maps the options into {@code req}. */
    void fill(ProductRequest req) {
        req.job.expr(expr);
        req.job.inputs.putAll(NamedPaths.parse("--input", inputs, "PATH.npy"));
        req.outDir = out;
        req.overwrite = overwrite;
        req.rowsPerTask = rowsPerTask;
        req.resume = resume;
    }
}
