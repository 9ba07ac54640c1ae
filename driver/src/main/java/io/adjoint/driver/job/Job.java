package io.adjoint.driver.job;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The template every job fills in. The inputs arrive prepared by the job's {@code *Inputs.prepare} — arguments
 * checked, arrays' headers read, the expression parsed and its forward pass run once, the destination checked (it
 * may be created, it is not an input) — all before Spark could start, so bad input costs milliseconds. {@link #run}
 * then takes the steps every job takes, in this order and only here:
 * <ol>
 *   <li>the preparation's warnings, to the log;</li>
 *   <li>the destination ({@link #destination}): free space for the result, then the claim — a folder created if
 *       absent, or a marker beside a result file — so that a second run on it is refused;</li>
 *   <li>the job's own part ({@link #execute}): plan → tasks ({@link io.adjoint.driver.exec.Tasks}) → commit →
 *       report;</li>
 *   <li>the claim released, or after a failure discarded (a folder this run created, and left empty, removed).</li>
 * </ol>
 * {@link FolderJob} fills in {@link #execute} for jobs that write results by row blocks into a folder; a new job of
 * that kind (a Hessian, a Hessian-vector product) is one small subclass of it.
 *
 * @param <R> what the job returns
 */
public abstract class Job<R> {
    /**
     * Where a job writes, as the user gave it ({@code option} and {@code path}): a folder of results, or one result
     * file; {@code bytes} it will need there (0: not checked — a resume, whose files exist).
     */
    public record Destination(String option, String path, boolean folder, long bytes) {
        public static Destination folder(String option, String dir, long bytes) {
            return new Destination(option, dir, true, bytes);
        }

        public static Destination file(String option, String file, long bytes) {
            return new Destination(option, file, false, bytes);
        }

        /**
         * Claims it: the run's first write there. A destination the file system will not let this run write (no
         * permission, read-only or immutable, full) is the user's to fix: exit 2 naming it, before anything else.
         */
        Destinations.Claim claim(Configuration conf) throws IOException {
            try {
                return folder
                        ? Destinations.Folder.open(option, path, conf)
                        : Destinations.claimFile(option, path, conf);
            } catch (IOException e) {
                InvalidInputException refused = Destinations.unwritable(option + " " + path, e);
                if (refused != null) {
                    throw refused;
                }
                throw e;
            }
        }
    }

    private final String command;

    /** A job of {@code command} ("jacobian", "vjp", …: the word of its log lines). */
    protected Job(String command) {
        this.command = command;
    }

    /** The command, for log lines. */
    protected final String command() {
        return command;
    }

    /** Warnings of the preparation. */
    protected List<String> warnings() {
        return List.of();
    }

    /** Where the job writes. */
    protected abstract Destination destination();

    /** Plan, tasks, commit and report, into the claimed destination {@code dest} (qualified). */
    protected abstract R execute(JobContext ctx, Path dest, JobLog log) throws IOException;

    /** Runs the template (see the class comment); {@code log} receives its lines, or null for silence. */
    public final R run(JobContext ctx, JobLog log) throws IOException {
        Configuration hconf = ctx.hadoopConfiguration();
        if (log != null) {
            warnings().forEach(w -> log.accept(command() + ": warning: " + w));
        }
        Destination d = destination();
        if (d.bytes() > 0) {
            Destinations.checkSpace(d.option() + " " + d.path(), new Path(d.path()), d.bytes(), hconf);
        }
        Destinations.Claim claim = d.claim(hconf);
        boolean ok = false;
        try {
            R r = execute(ctx, claim.path(), log);
            ok = true;
            return r;
        } finally {
            if (ok) {
                claim.close();
            } else {
                claim.discard();
            }
        }
    }
}
