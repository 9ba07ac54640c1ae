package io.adjoint.driver.block;

import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.Destinations;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.plan.BlockPlanner;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The job template of every job that writes its results by row blocks into one {@code --out} folder (jacobian, vjp,
 * jvp; next, hessian and hvp). The inputs arrive prepared — parsed, read, the forward pass run once, the folder
 * checked as a destination ({@code *Inputs.prepare}); {@link #run} then does, in this order and nowhere else:
 * <ol>
 *   <li>warnings of the preparation, to the log;</li>
 *   <li>the destination: free space for {@link #resultBytes} (not on a resume, whose files exist), then the folder
 *       created if absent and claimed for this run;</li>
 *   <li>plan: where the tasks run and the row blocks ({@link #plan});</li>
 *   <li>outputs: one {@link CommitProtocol} per result file, fingerprinted by the job's inputs (a resume continues
 *       only the same job);</li>
 *   <li>tasks: {@link BlockJob} runs one task per block over the job's {@link BlockWork} and commits every output;</li>
 *   <li>report: the job's closing line; the claim is released, or, after a failure, the folder removed again if this
 *       run created it and left it empty.</li>
 * </ol>
 * A job fills in what differs: its results, its plan, its work, its lines. Cost: that of its {@link BlockWork}; the
 * template adds one claim file and a fingerprint of the inputs (one read of each input file).
 */
public abstract class FolderJob {
    /** Where the job runs and its blocks, with what its tasks share (0 bytes on driver threads), for the log. */
    public record Planned(Placement where, BlockPlanner.Plan plan, long broadcastBytes) {}

    /** The outcome: the blocks run and the job's seconds, inputs read → committed. */
    public record Outcome(BlockJob.Run run, double seconds) {}

    /** The command, for the log and fingerprint ("jacobian", "vjp", …). */
    protected abstract String command();

    /** The output folder as given. */
    protected abstract String outDir();

    /** Whether this run resumes an interrupted one ({@code --resume}). */
    protected abstract boolean resume();

    /** The user's rows per task, or null for the planner's choice. */
    protected abstract Integer rowsPerTask();

    /** Warnings of the preparation. */
    protected abstract List<String> warnings();

    /** Bytes of every result file together. */
    protected abstract long resultBytes();

    /** Where the tasks run and the row blocks. */
    protected abstract Planned plan(JobContext ctx);

    /** The fingerprint of the job's inputs and arguments. */
    protected abstract Fingerprint fingerprint(Configuration hconf) throws IOException;

    /** One output per result file in {@code dir}. */
    protected abstract List<CommitProtocol> outputs(Path dir, Fingerprint fp, Configuration hconf, Planned planned)
            throws IOException;

    /** The lines that describe the job, logged once its destination and resume checks have passed. */
    protected abstract List<String> describe(Planned planned);

    /** The work the tasks share, for the final blocks in {@code frame}. */
    protected abstract BlockWork work(BlockWork.Frame frame, Configuration hconf) throws IOException;

    /** The closing line. */
    protected abstract String report(BlockJob.Run run, double seconds, Path dir);

    /** Runs the template (see the class comment); {@code log} receives its lines, or null for silence. */
    public final Outcome run(JobContext ctx, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        Configuration hconf = ctx.hadoopConfiguration();
        if (log != null) {
            warnings().forEach(w -> log.accept(command() + ": warning: " + w));
        }
        if (!resume()) {
            Destinations.checkSpace("--out " + outDir(), new Path(outDir()), resultBytes(), hconf);
        }
        Planned planned = plan(ctx);
        Destinations.Folder dir = Destinations.Folder.open("--out", outDir(), hconf);
        boolean ok = false;
        try {
            Fingerprint fp = fingerprint(hconf);
            List<CommitProtocol> outputs = outputs(dir.path(), fp, hconf, planned);
            // after the destination and resume checks, which may refuse the run in one line
            if (log != null) {
                describe(planned).forEach(l -> log.accept(command() + ": " + l));
            }
            BlockJob.Run r = BlockJob.run(
                    ctx,
                    new BlockJob.Spec(command(), planned.plan(), rowsPerTask(), outputs, planned.where()),
                    frame -> work(frame, hconf),
                    log);
            ok = true;
            double secs = (System.nanoTime() - start) / 1e9;
            if (log != null) {
                log.accept(command() + ": " + report(r, secs, dir.path()));
            }
            return new Outcome(r, secs);
        } finally {
            if (ok) {
                dir.close();
            } else {
                dir.discard();
            }
        }
    }
}
