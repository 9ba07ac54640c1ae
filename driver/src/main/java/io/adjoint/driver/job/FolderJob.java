package io.adjoint.driver.job;

import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.plan.BlockPlanner;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@link Job} of every job that writes its results by row blocks into one {@code --out} folder (jacobian, vjp,
 * jvp; next, hessian and hvp). Its {@link #execute} takes, after the template's destination steps:
 * <ol>
 *   <li>plan: where the tasks run and the row blocks ({@link #plan});</li>
 *   <li>outputs: one {@link CommitProtocol} per result file, fingerprinted by the job's inputs (a resume continues
 *       only the same job), then the lines that describe the job;</li>
 *   <li>tasks and commit: {@link BlockJob} runs one task per block over the job's {@link BlockWork} and commits
 *       every output;</li>
 *   <li>report: the job's closing line.</li>
 * </ol>
 * A job fills in what differs: its results, its plan, its work, its lines. Cost: that of its {@link BlockWork}; the
 * template adds one claim file and a fingerprint of the inputs (one read of each input file).
 */
public abstract class FolderJob extends Job<FolderJob.Outcome> {
    /** Where the job runs and its blocks, with what its tasks share (0 bytes on driver threads), for the log. */
    public record Planned(Placement where, BlockPlanner.Plan plan, long broadcastBytes) {}

    /** The outcome: the plan, the blocks run and the job's seconds, destination claimed → committed. */
    public record Outcome(Planned planned, BlockJob.Run run, double seconds) {}

    /**
     * The output folder as given, whether this run resumes an interrupted one ({@code --resume}), and the user's rows
     * per task (null: the planner's choice).
     */
    public record Target(String outDir, boolean resume, Integer rowsPerTask) {}

    private final Target target;

    protected FolderJob(String command, Target target) {
        super(command);
        this.target = target;
    }

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

    @Override
    protected final Destination destination() {
        return Destination.folder("--out", target.outDir(), target.resume() ? 0 : resultBytes());
    }

    @Override
    protected final Outcome execute(JobContext ctx, Path dir, JobLog log) throws IOException {
        long start = System.nanoTime();
        Configuration hconf = ctx.hadoopConfiguration();
        Planned planned = plan(ctx);
        // in memory (the Python API's results) nothing outlives the process, so nothing resumes: no pass over the
        // inputs
        Fingerprint fp = io.adjoint.driver.storage.MemoryFileSystem.isMemory(target.outDir())
                ? Fingerprint.unique()
                : fingerprint(hconf);
        List<CommitProtocol> outputs = outputs(dir, fp, hconf, planned);
        // after the destination and resume checks, which may refuse the run in one line
        if (log != null) {
            describe(planned).forEach(l -> log.detail(command() + ": " + l));
        }
        BlockJob.Run r = BlockJob.run(
                ctx,
                new BlockJob.Spec(command(), planned.plan(), target.rowsPerTask(), outputs, planned.where()),
                frame -> work(frame, hconf),
                log);
        double secs = (System.nanoTime() - start) / 1e9;
        if (log != null) {
            log.accept(command() + ": " + report(r, secs, dir));
        }
        return new Outcome(planned, r, secs);
    }
}
