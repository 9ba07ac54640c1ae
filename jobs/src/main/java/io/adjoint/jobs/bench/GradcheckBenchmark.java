package io.adjoint.jobs.bench;

import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.gradcheck.CheckMode;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckJob;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.storage.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code adjoint bench gradcheck}: full against probe mode on the two-layer MLP of the jacobian benchmark,
 * and the finite-difference throughput of the full mode (forward evaluations per second, summed over
 * tasks) against a plain single-threaded loop of forward passes on the driver.
 */
public final class GradcheckBenchmark {
    private GradcheckBenchmark() {}

    public static void run(JavaSparkContext jsc, Path dir, int[] sizes, PrintStream out, JobLog log)
            throws IOException {
        out.println("f(X) = " + JacobianBenchmark.EXPR + ", all n×n, d/dX; Spark " + jsc.master() + "; one run each");
        out.println();
        out.println(
                "| n | Jacobian | full: time | of which analytic sweep to file | numeric + compare | FD forward evals/s"
                        + " | plain loop evals/s (1 thread) | probe (automatic --probes): time | verdicts |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            Path d = Files.createDirectories(dir.resolve("g" + n));
            Random rng = new Random(n);
            GradcheckRequest full = new GradcheckRequest();
            GradcheckRequest probe = new GradcheckRequest();
            Map<String, DMatrixRMaj> values = new HashMap<>();
            for (GradcheckRequest g : List.of(full, probe)) {
                g.job.expr = JacobianBenchmark.EXPR;
                g.job.wrt.add("X");
                g.overwrite = true;
            }
            JacobianBenchmark.writeInputs(d, n, rng, full.job.inputs, values);
            probe.job.inputs.putAll(full.job.inputs);
            full.mode = CheckMode.FULL;
            full.reportDir = d.resolve("full").toString();
            probe.mode = CheckMode.PROBE;
            probe.reportDir = d.resolve("probe").toString();
            Files.createDirectories(d.resolve("full"));
            Files.createDirectories(d.resolve("probe"));

            long t0 = System.nanoTime();
            GradcheckResult fr = GradcheckJob.run(
                            jsc, GradcheckInputs.prepare(full, jsc.hadoopConfiguration(), Functions.standard()), log)
                    .get(0);
            double tFull = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            GradcheckResult pr = GradcheckJob.run(
                            jsc, GradcheckInputs.prepare(probe, jsc.hadoopConfiguration(), Functions.standard()), log)
                    .get(0);
            double tProbe = (System.nanoTime() - t0) / 1e9;

            // the plain loop: single forward passes, one after another, on the driver
            JacobianInputs in = JacobianInputs.prepare(full.job, jsc.hadoopConfiguration(), Functions.standard());
            Functions fns = Functions.standard();
            int evals = 0;
            long l0 = System.nanoTime();
            while (System.nanoTime() - l0 < 2_000_000_000L) {
                Forward.run(in.graph, values, fns);
                evals++;
            }
            double loopRate = evals / ((System.nanoTime() - l0) / 1e9);
            out.println(String.format(
                    Locale.ROOT,
                    "| %d | %s | %.2f s | %.2f s | %.2f s | %.0f | %.0f | %.2f s | %s / %s |",
                    n,
                    BlockPlanner.human(8L * n * n * n * n),
                    tFull,
                    fr.analyticSeconds,
                    fr.numericSeconds,
                    fr.forwardEvals / fr.numericSeconds,
                    loopRate,
                    tProbe,
                    fr.passed() ? "PASS" : "FAIL",
                    pr.passed() ? "PASS" : "FAIL"));
            FileTrees.delete(d);
        }
    }
}
