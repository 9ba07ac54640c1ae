package io.adjoint.driver.report;

import io.adjoint.driver.commit.Destinations;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckJob;
import io.adjoint.driver.gradcheck.GradcheckResult;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/** A gradcheck as the CLI runs it: the check, then its report in the report folder, then the verdict line. */
public final class ReportedGradcheck {
    private ReportedGradcheck() {}

    /** The check's outcome: one result per input and the one-line verdict. */
    public record Outcome(List<GradcheckResult> results, String verdict) {
        public boolean passed() {
            return results.stream().allMatch(GradcheckResult::passed);
        }
    }

    /**
     * Runs the check ({@link GradcheckJob#run}) and writes the report ({@code report.json}, {@code report.md},
     * heatmaps) into the report folder, which is created when absent and removed again when the check fails to
     * complete.
     */
    public static Outcome run(JavaSparkContext jsc, GradcheckInputs in, Consumer<String> log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /** {@link #run(JavaSparkContext, GradcheckInputs, Consumer)} in a job context (Spark started only if needed). */
    public static Outcome run(JobContext ctx, GradcheckInputs in, Consumer<String> log) throws IOException {
        long t0 = System.nanoTime();
        Destinations.Folder dir = Destinations.Folder.open("--report", in.request.reportDir, ctx.hadoopConfiguration());
        boolean ok = false;
        try {
            List<GradcheckResult> results = GradcheckJob.run(ctx, in, log);
            double seconds = (System.nanoTime() - t0) / 1e9;
            GradcheckReport.write(in.request.reportDir, in.request, results, seconds, ctx.hadoopConfiguration());
            ok = true;
            return new Outcome(results, Verdict.line(results));
        } finally {
            if (ok) {
                dir.close();
            } else {
                dir.discard();
            }
        }
    }
}
