package io.adjoint.driver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Runs one Spark task per row block and commits the results: the part every job shares.
 *
 * <p>Order: register a shutdown hook that removes temporaries; create the temporaries of every output;
 * run one task per block ({@code parallelize} of the block indices, one per partition, then the job's
 * task function, then {@code collect} of one small {@link BlockReport} per block); check every block
 * reported; commit each output by rename. Any exception removes every temporary and leaves nothing under
 * a final name. Cost on the driver: block indices and reports only.
 */
final class BlockJobs {
    private BlockJobs() {
    }

    /** Timings of a finished run. */
    static final class Result {
        final long computeNanos;
        final long tasksNanos;
        final long commitNanos;
        final int reused;

        Result(long computeNanos, long tasksNanos, long commitNanos, int reused) {
            this.computeNanos = computeNanos;
            this.tasksNanos = tasksNanos;
            this.commitNanos = commitNanos;
            this.reused = reused;
        }
    }

    /**
     * {@link BlockPlanner#plan} with this Spark context's memory and parallelism: in local mode the tasks
     * share the driver's heap; on a cluster, {@code spark.executor.memory} and {@code spark.executor.cores}
     * (2 assumed when unset).
     */
    static BlockPlanner.Plan plan(JavaSparkContext jsc, long rows, long adjointCols, long resultCols, long broadcastBytes,
            int requested) {
        boolean local = jsc.isLocal();
        int parallelism = jsc.defaultParallelism();
        long execMem = local ? Runtime.getRuntime().maxMemory()
                : jsc.getConf().getSizeAsBytes("spark.executor.memory", "1g");
        int cores = local ? parallelism : jsc.getConf().getInt("spark.executor.cores", 2);
        return BlockPlanner.plan(rows, adjointCols, resultCols, broadcastBytes, execMem, cores, parallelism, requested);
    }

    /**
     * The plan to use when some output resumes an interrupted run: that run's block size (the journal's
     * checksums are per block). Refuses a different explicit --rows-per-task.
     */
    static BlockPlanner.Plan resumePlan(BlockPlanner.Plan plan, List<ResultOutput> outputs, int requested) {
        int b = 0;
        for (ResultOutput o : outputs) {
            if (o.resuming()) {
                b = o.resumedRowsPerBlock();
            }
        }
        if (b == 0 || b == plan.blocks.rowsPerBlock()) {
            return plan;
        }
        if (requested > 0) {
            throw new io.adjoint.core.InvalidInputException("--resume: the interrupted run used --rows-per-task " + b
                    + ", not " + requested + "; resume with the same value (or leave it out)");
        }
        return new BlockPlanner.Plan(new RowBlocks(plan.blocks.rows(), b), "rows per task B=" + b
                + " (the interrupted run's)");
    }

    static Result run(JavaSparkContext jsc, String label, RowBlocks blocks, List<ResultOutput> outputs,
            FlatMapFunction<java.util.Iterator<Integer>, BlockReport> task, Consumer<String> log) throws IOException {
        Configuration hconf = jsc.hadoopConfiguration();
        String group = "adjoint-" + label + "-" + UUID.randomUUID();
        Thread cleanup = new Thread(() -> outputs.forEach(o -> o.abort(hconf)), "adjoint-abort");
        Runtime.getRuntime().addShutdownHook(cleanup);
        BlockProgress progress = null;
        boolean committed = false;
        try {
            for (ResultOutput o : outputs) {
                o.prepare(hconf, blocks.rowsPerBlock());
            }
            List<Integer> ids = new ArrayList<>(blocks.count());
            for (int b = 0; b < blocks.count(); b++) {
                ids.add(b);
            }
            if (log != null) {
                progress = new BlockProgress(group, label, blocks, log);
                jsc.sc().addSparkListener(progress);
            }
            jsc.setJobGroup(group, "adjoint " + label, true);
            long t0 = System.nanoTime();
            List<BlockReport> reports = ids.isEmpty() ? List.of()
                    : jsc.parallelize(ids, ids.size()).mapPartitions(task).collect();
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
            if (log != null && outputs.stream().anyMatch(ResultOutput::resuming)) {
                log.accept(label + ": resumed: reused " + reused + " of " + blocks.count() + " blocks, recomputed "
                        + (blocks.count() - reused));
            }
            List<ResultOutput> done = new ArrayList<>();
            try {
                for (ResultOutput o : outputs) {
                    o.commit(hconf, blocks.count());
                    done.add(o);
                }
            } catch (IOException | RuntimeException e) {
                for (ResultOutput o : done) {
                    o.uncommit(hconf);
                }
                throw e;
            }
            committed = true;
            return new Result(compute, t1 - t0, System.nanoTime() - t1, reused);
        } finally {
            if (!committed) {
                outputs.forEach(o -> o.abort(hconf));
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; it only deletes temporaries
            }
            jsc.clearJobGroup();
            if (progress != null) {
                jsc.sc().removeSparkListener(progress);
            }
        }
    }
}
