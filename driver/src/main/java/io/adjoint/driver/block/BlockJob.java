package io.adjoint.driver.block;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.PartLayout;
import io.adjoint.driver.exec.BlockProgress;
import io.adjoint.driver.exec.DriverTasks;
import io.adjoint.driver.exec.Interruption;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The skeleton every block job shares, after the job has planned and created its outputs: resume plan → log the
 * plan → broadcast → one Spark task per row block ({@link BlockTask}) → check every block reported → commit each
 * output → timings. A shutdown hook and every failure path abort the outputs (only this job's temporaries are
 * removed; a result committed before a sibling failed is removed again).
 *
 * <p>Cost on the driver: the broadcast once, the block indices, and one small {@link BlockReport} per block.
 * Executors: whatever the job's {@link BlockWork} computes, one pass over the blocks; no shuffle.
 */
public final class BlockJob {
    private BlockJob() {}

    /** Timings and layout of a finished run. */
    public record Run(
            RowBlocks blocks, String planReason, long computeNanos, long tasksNanos, long commitNanos, int reused) {}

    /**
     * Runs {@code label}'s blocks and commits {@code outputs}.
     *
     * @param plan the planner's choice, replaced by the interrupted run's block size when resuming
     * @param requested the user's rows per task (null: planner's choice), to refuse a resume with another value
     * @param work builds the broadcast from the final row blocks
     * @param log plan and progress lines, or null for silence
     */
    public static <W extends BlockWork> Run run(
            JavaSparkContext jsc,
            String label,
            BlockPlanner.Plan plan,
            Integer requested,
            List<CommitProtocol> outputs,
            Function<RowBlocks, W> work,
            Consumer<String> log)
            throws IOException {
        return run(JobContext.of(jsc), label, plan, requested, outputs, work, Double.POSITIVE_INFINITY, log);
    }

    /**
     * As {@link #run(JavaSparkContext, String, BlockPlanner.Plan, Integer, List, Function, Consumer)} in a job
     * context, for a job of about {@code flops} floating-point operations in all: on a local master a small one runs
     * its blocks on driver threads ({@link DriverTasks#place}) — the same loop, without the broadcast and Spark's
     * scheduling — and Spark is started only if the blocks run as Spark tasks.
     */
    public static <W extends BlockWork> Run run(
            JobContext ctx,
            String label,
            BlockPlanner.Plan plan,
            Integer requested,
            List<CommitProtocol> outputs,
            Function<RowBlocks, W> work,
            double flops,
            Consumer<String> log)
            throws IOException {
        boolean anyResuming = outputs.stream().anyMatch(CommitProtocol::resuming);
        if (anyResuming && !outputs.stream().allMatch(CommitProtocol::resuming)) {
            // nothing is removed: the finished blocks stay for a run without --resume to clear, or another resume
            throw new InvalidInputException("--resume: the interrupted run's temporaries of "
                    + String.join(
                            ", ",
                            outputs.stream().map(CommitProtocol::destination).toList())
                    + " are incomplete; run without --resume to start over");
        }
        plan = resumePlan(plan, outputs, requested);
        DriverTasks.Placement where = DriverTasks.place(ctx, flops);
        if (log != null) {
            log.accept(label + ": " + plan.reason() + "; " + plan.blocks().count() + " tasks"
                    + (where.inDriver() ? "; " + where.reason() : ""));
        }
        if (where.inDriver()) {
            W w = work.apply(plan.blocks());
            return runBlocks(
                    ctx,
                    label,
                    plan,
                    outputs,
                    false,
                    (ids, progress) -> {
                        List<List<BlockReport>> parts = DriverTasks.map(
                                ids,
                                where.threads(),
                                b -> BlockTask.run(w, List.of(b).iterator(), true),
                                progress == null ? null : progress::blockDone);
                        List<BlockReport> all = new ArrayList<>();
                        parts.forEach(all::addAll);
                        return all;
                    },
                    log);
        }
        JavaSparkContext jsc = ctx.spark();
        Broadcast<W> bc = jsc.broadcast(work.apply(plan.blocks()));
        try {
            BlockTask<W> task = new BlockTask<>(bc);
            return runBlocks(
                    ctx,
                    label,
                    plan,
                    outputs,
                    true,
                    (ids, progress) ->
                            jsc.parallelize(ids, ids.size()).mapPartitions(task).collect(),
                    log);
        } finally {
            bc.destroy();
        }
    }

    /** Runs one task per block id and returns their reports (any order); tells {@code progress} when it can. */
    @FunctionalInterface
    private interface Blocks {
        List<BlockReport> run(List<Integer> ids, BlockProgress progress) throws IOException;
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

    private static Run runBlocks(
            JobContext ctx,
            String label,
            BlockPlanner.Plan plan,
            List<CommitProtocol> outputs,
            boolean sparkTasks,
            Blocks tasks,
            Consumer<String> log)
            throws IOException {
        Configuration hconf = ctx.hadoopConfiguration();
        JavaSparkContext jsc = sparkTasks ? ctx.spark() : null;
        RowBlocks blocks = plan.blocks();
        String group = "adjoint-" + label + "-" + UUID.randomUUID();
        Thread cleanup = new Thread(() -> outputs.forEach(o -> o.interruptJob(hconf)), "adjoint-interrupt");
        Runtime.getRuntime().addShutdownHook(cleanup);
        BlockProgress progress = null;
        boolean committed = false;
        try {
            for (CommitProtocol o : outputs) {
                o.setupJob(hconf, blocks.rowsPerBlock());
            }
            List<Integer> ids = new ArrayList<>(blocks.count());
            for (int b = 0; b < blocks.count(); b++) {
                ids.add(b);
            }
            if (log != null) {
                progress = new BlockProgress(group, label, blocks, log);
                if (sparkTasks) { // driver threads report their blocks themselves
                    jsc.sc().addSparkListener(progress);
                }
            }
            if (sparkTasks) {
                jsc.setJobGroup(group, "adjoint " + label, true);
            }
            long t0 = System.nanoTime();
            List<BlockReport> reports = ids.isEmpty() ? List.of() : tasks.run(ids, progress);
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
            assemble(jsc, hconf, outputs, blocks.count());
            commitAll(outputs, hconf, blocks.count());
            committed = true;
            if (log != null) {
                for (CommitProtocol o : outputs) {
                    if (o.commitNote() != null) {
                        log.accept(label + ": committed " + o.destination() + ": " + o.commitNote());
                    }
                }
            }
            return new Run(blocks, plan.reason(), compute, t1 - t0, System.nanoTime() - t1, reused);
        } finally {
            if (!committed) {
                // tasks of a failed job may still be writing; stop them first, or a straggler's part file could
                // land in a folder the abort is deleting
                boolean interrupted = Interruption.shuttingDown();
                if (!interrupted && sparkTasks) {
                    jsc.cancelJobGroup(group);
                    awaitNoRunningTasks(jsc, group, 10_000);
                }
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
            if (sparkTasks) {
                jsc.clearJobGroup();
                if (progress != null) {
                    jsc.sc().removeSparkListener(progress);
                }
            }
        }
    }

    /**
     * Part-file outputs on a file system that cannot concatenate are joined by an executor (one task per output),
     * so the result never streams through the driver. Costs one Spark job; each task reads and writes its result
     * once. Without a Spark context ({@code jsc} null: the blocks ran on driver threads of a local master, whose
     * executor is this JVM anyway) the driver joins them.
     */
    private static void assemble(JavaSparkContext jsc, Configuration hconf, List<CommitProtocol> outputs, int blocks)
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
        if (jsc == null) {
            for (PartLayout p : joins) {
                p.assemble(hconf, blocks);
            }
            return;
        }
        jsc.parallelize(joins, joins.size()).foreach(new Assemble(new HadoopConf(hconf), blocks));
    }

    /**
     * The executor side of {@link #assemble}. A named class, not a lambda: executors of a standalone
     * cluster load the application jar in a child class loader, where Java's serialized lambdas fail to resolve.
     */
    private static final class Assemble implements VoidFunction<PartLayout> {
        private static final long serialVersionUID = 1L;
        private final HadoopConf conf;
        private final int blocks;

        Assemble(HadoopConf conf, int blocks) {
            this.conf = conf;
            this.blocks = blocks;
        }

        @Override
        public void call(PartLayout p) throws IOException {
            p.assemble(conf.get(), blocks);
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

    /** Waits (at most {@code millis}) until no task of the job group's stages is running. */
    private static void awaitNoRunningTasks(JavaSparkContext jsc, String group, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            int running = 0;
            for (int job : jsc.statusTracker().getJobIdsForGroup(group)) {
                SparkJobInfo info = jsc.statusTracker().getJobInfo(job);
                if (info == null) {
                    continue;
                }
                for (int stage : info.stageIds()) {
                    SparkStageInfo st = jsc.statusTracker().getStageInfo(stage);
                    running += st == null ? 0 : st.numActiveTasks();
                }
            }
            if (running == 0) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
