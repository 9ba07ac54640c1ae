package io.adjoint.driver.block;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.PartLayout;
import io.adjoint.driver.exec.Interruption;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.exec.Progress;
import io.adjoint.driver.exec.Tasks;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The skeleton every block job shares, after the job has planned and created its outputs: resume plan → log the
 * plan → set up the outputs → one task per row block ({@link BlockTask}, through {@link Tasks}: driver threads or
 * Spark tasks, as the job's {@link Placement} says) → check every block reported → assemble part files → commit each
 * output → timings. A shutdown hook and every failure path abort the outputs (only this job's temporaries are
 * removed; a result committed before a sibling failed is removed again); an interrupted run, or a failed resume,
 * keeps its finished blocks for {@code --resume}.
 *
 * <p>Cost on the driver: the work once (broadcast once when the blocks run as Spark tasks), the block indices, and one
 * small {@link BlockReport} per block. Executors: whatever the job's {@link BlockWork} computes, one pass over the
 * blocks; no shuffle.
 */
public final class BlockJob {
    private BlockJob() {}

    /** Timings and layout of a finished run. */
    public record Run(
            RowBlocks blocks, String planReason, long computeNanos, long tasksNanos, long commitNanos, int reused) {}

    /**
     * What to run: the job's {@code label} for logs, the planner's choice ({@code plan}, replaced by the interrupted
     * run's block size when resuming), the user's rows per task ({@code requested}, null: the planner's choice; a
     * resume with another value is refused), one output per result, and where the tasks run.
     */
    public record Spec(
            String label, BlockPlanner.Plan plan, Integer requested, List<CommitProtocol> outputs, Placement where) {}

    /** Builds the work the tasks share from its frame. */
    @FunctionalInterface
    public interface WorkOf<W extends BlockWork> {
        W of(BlockWork.Frame frame) throws IOException;
    }

    /**
     * Runs {@code spec}'s blocks and commits its outputs; {@code work} builds the tasks' shared work from its frame
     * (the final row blocks, the outputs, storage settings and {@code ctx}'s faults); {@code log} receives plan and progress lines, or null for silence.
     */
    public static <W extends BlockWork> Run run(JobContext ctx, Spec spec, WorkOf<W> work, JobLog log)
            throws IOException {
        List<CommitProtocol> outputs = spec.outputs();
        boolean anyResuming = outputs.stream().anyMatch(CommitProtocol::resuming);
        if (anyResuming && !outputs.stream().allMatch(CommitProtocol::resuming)) {
            // nothing is removed: the finished blocks stay for a run without --resume to clear, or another resume
            throw new InvalidInputException("--resume: the interrupted run's temporaries of "
                    + String.join(
                            ", ",
                            outputs.stream().map(CommitProtocol::destination).toList())
                    + " are incomplete; run without --resume to start over");
        }
        BlockPlanner.Plan plan = resumePlan(spec.plan(), outputs, spec.requested());
        Placement where = spec.where();
        String label = spec.label();
        if (log != null) {
            log.detail(label + ": " + plan.reason() + "; " + plan.blocks().count() + " tasks"
                    + (where.inDriver() ? "; " + where.reason() : ""));
        }
        BlockWork.Frame frame =
                new BlockWork.Frame(plan.blocks(), outputs, new HadoopConf(ctx.hadoopConfiguration()), ctx.faults());
        try (Tasks<W> tasks = Tasks.sharing(ctx, label, work.of(frame))) {
            return runBlocks(ctx, label, plan, outputs, where, tasks, log);
        }
    }

    /**
     * The plan to use when the outputs resume an interrupted run: that run's block size (the journal's checksums
     * are per block). Refuses a different explicit rows per task.
     */
    static BlockPlanner.Plan resumePlan(BlockPlanner.Plan plan, List<CommitProtocol> outputs, Integer requested) {
        int b = 0;
        for (CommitProtocol o : outputs) {
            if (o.resuming()) {
                b = o.resumedRowsPerBlock();
            }
        }
        if (b == 0 || b == plan.blocks().rowsPerBlock()) {
            return plan;
        }
        if (requested != null) {
            throw new InvalidInputException("--resume: the interrupted run used --rows-per-task " + b + ", not "
                    + requested + "; resume with the same value (or leave it out)");
        }
        return new BlockPlanner.Plan(
                new RowBlocks(plan.blocks().rows(), b), "rows per task B=" + b + " (the interrupted run's)");
    }

    private static <W extends BlockWork> Run runBlocks(
            JobContext ctx,
            String label,
            BlockPlanner.Plan plan,
            List<CommitProtocol> outputs,
            Placement where,
            Tasks<W> tasks,
            JobLog log)
            throws IOException {
        Configuration hconf = ctx.hadoopConfiguration();
        RowBlocks blocks = plan.blocks();
        Thread cleanup = new Thread(() -> outputs.forEach(o -> o.interruptJob(hconf)), "adjoint-interrupt");
        Runtime.getRuntime().addShutdownHook(cleanup);
        boolean committed = false;
        try {
            for (CommitProtocol o : outputs) {
                o.setupJob(hconf, blocks.rowsPerBlock());
            }
            List<Integer> ids = new ArrayList<>(blocks.count());
            for (int b = 0; b < blocks.count(); b++) {
                ids.add(b);
            }
            Progress progress = Progress.of(label, "rows", blocks.count(), b -> blocks.end(b) - blocks.start(b), log);
            long t0 = System.nanoTime();
            List<BlockReport> reports = tasks.map(where, ids, ids.size(), new BlockTask<>(), progress);
            long t1 = System.nanoTime();
            if (reports.size() != blocks.count()) {
                throw new IllegalStateException("expected " + blocks.count() + " block reports, got " + reports.size());
            }
            long compute = 0;
            int reused = 0;
            for (BlockReport r : reports) {
                compute += r.nanos;
                reused += r.reused ? 1 : 0;
            }
            if (log != null && outputs.stream().anyMatch(CommitProtocol::resuming)) {
                log.accept(label + ": resumed: reused " + reused + " of " + blocks.count() + " blocks, recomputed "
                        + (blocks.count() - reused));
            }
            assemble(ctx, label, where, hconf, outputs, blocks.count());
            commitAll(outputs, hconf, blocks.count());
            committed = true;
            if (log != null) {
                for (CommitProtocol o : outputs) {
                    if (o.commitNote() != null) {
                        log.detail(label + ": committed " + o.destination() + ": " + o.commitNote());
                    }
                }
            }
            return new Run(blocks, plan.reason(), compute, t1 - t0, System.nanoTime() - t1, reused);
        } finally {
            if (!committed) {
                // a failed step has let its running tasks end (Tasks), so nothing still writes into what is aborted
                boolean interrupted = Interruption.shuttingDown();
                outputs.forEach(o -> {
                    if (interrupted || o.resuming()) {
                        // keep what --resume continues from: blocks of an earlier run are never lost to a failure
                        o.interruptJob(hconf);
                    } else {
                        o.abortJob(hconf);
                    }
                });
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; it only deletes temporaries
            }
        }
    }

    /**
     * Part-file outputs on a file system that cannot concatenate are joined, one task per output, where the blocks
     * ran: by an executor on a cluster (so the result never streams through the driver), on a driver thread when the
     * blocks ran there (a local master, whose executor is this JVM anyway). Each task reads and writes its result
     * once.
     */
    private static void assemble(
            JobContext ctx,
            String label,
            Placement where,
            Configuration hconf,
            List<CommitProtocol> outputs,
            int blocks)
            throws IOException {
        List<PartLayout> joins = new ArrayList<>();
        for (CommitProtocol o : outputs) {
            if (o instanceof PartLayout p && !p.concatenates(hconf)) {
                joins.add(p);
            }
        }
        if (joins.isEmpty()) {
            return;
        }
        try (Tasks<HadoopConf> tasks = Tasks.sharing(ctx, label + "-assemble", new HadoopConf(hconf))) {
            tasks.map(where, joins, joins.size(), new Assemble(blocks), null);
        }
    }

    /** The task of {@link #assemble}: joins one output's part files. */
    private static final class Assemble implements Tasks.Task<HadoopConf, PartLayout, Boolean> {
        private static final long serialVersionUID = 1L;
        private final int blocks;

        Assemble(int blocks) {
            this.blocks = blocks;
        }

        @Override
        public Boolean run(HadoopConf conf, PartLayout p) throws IOException {
            p.assemble(conf.get(), blocks);
            return true;
        }
    }

    /** Commits every output, or none: one that fails to commit uncommits those committed before it. */
    private static void commitAll(List<CommitProtocol> outputs, Configuration hconf, int blocks) throws IOException {
        List<CommitProtocol> done = new ArrayList<>();
        try {
            for (CommitProtocol o : outputs) {
                o.commitJob(hconf, blocks);
                done.add(o);
            }
        } catch (IOException | RuntimeException e) {
            for (CommitProtocol o : done) {
                o.uncommitJob(hconf);
            }
            throw e;
        }
    }
}
