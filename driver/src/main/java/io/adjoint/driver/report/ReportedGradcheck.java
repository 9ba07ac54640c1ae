package io.adjoint.driver.report;

import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.gradcheck.GradcheckInputs;
import io.adjoint.driver.gradcheck.GradcheckJob;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.job.Job;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
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
    public static Outcome run(JavaSparkContext jsc, GradcheckInputs in, JobLog log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /** {@link #run(JavaSparkContext, GradcheckInputs, JobLog)} in a job context (Spark started only if needed). */
    public static Outcome run(JobContext ctx, GradcheckInputs in, JobLog log) throws IOException {
        return new Check(in).run(ctx, log);
    }

    /** The check in the {@link Job} template: the report folder is its destination. */
    private static final class Check extends Job<Outcome> {
        private final GradcheckInputs in;

        Check(GradcheckInputs in) {
            super("gradcheck");
            this.in = in;
        }

        @Override
        protected Destination destination() {
            // its files are small; the analytic Jacobian a full check writes there checks its own space
            return Destination.folder("--report", in.request.reportDir, 0);
        }

        @Override
        protected Outcome execute(JobContext ctx, Path dir, JobLog log) throws IOException {
            long t0 = System.nanoTime();
            List<GradcheckResult> results = GradcheckJob.run(ctx, in, log);
            double seconds = (System.nanoTime() - t0) / 1e9;
            GradcheckReport.write(in.request.reportDir, in.request, results, seconds, ctx.hadoopConfiguration());
            if (log != null) {
                log.accept(String.format(
                        java.util.Locale.ROOT,
                        "gradcheck: wrote %s (report.md, report.json) in %.2f s",
                        in.request.reportDir,
                        seconds));
            }
            return new Outcome(results, Verdict.line(results));
        }
    }
}
