package io.adjoint.jobs;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.products.ProductInputs;
import io.adjoint.driver.products.ProductJob;
import io.adjoint.driver.products.ProductRequest;

/** Running {@code vjp} and {@code jvp}: every check and the forward pass before Spark starts, then the job. */
final class ProductCommands {
    private ProductCommands() {}

    static int run(picocli.CommandLine.Model.CommandSpec spec, SparkOptions spark, ProductRequest req)
            throws java.io.IOException {
        String app = "adjoint " + req.command();
        java.io.PrintWriter err = spec.commandLine().getErr();
        ProductInputs in = ProductInputs.prepare(req, spark.hadoopConf(app), Functions.standard());
        in.job.warnings.forEach(w -> {
            if (spark.quiet) {
                err.println(app + ": warning: " + w);
            }
        });
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context(app)) {
            ProductJob.run(ctx, in, log);
        }
        return 0;
    }
}
