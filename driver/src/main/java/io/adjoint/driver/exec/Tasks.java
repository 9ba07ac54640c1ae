package io.adjoint.driver.exec;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The execution layer: a job's parallel steps, each a list of items and one task per item over data the steps share,
 * run where {@link Placement#decide} puts them — on driver threads ({@code DriverThreads}), or as one Spark job whose
 * tasks read the shared data from a broadcast made on the first such step and destroyed at {@link #close}. Every job
 * runs its tasks through here (row blocks of jacobian, vjp, jvp and contract; gradcheck's columns, projections and
 * tiles; the in-memory products of the Java API), so these live here once:
 * <ul>
 *   <li>progress ({@link Progress}, one item per task);</li>
 *   <li>cancellation: a Spark step runs in a job group of its own; when it fails, the group is cancelled and the
 *       step returns only after no task of it still runs (a straggler must not write into outputs being aborted).
 *       Driver threads: a failing task, or the JVM's shutdown (Ctrl-C, SIGTERM), lets no further item start, and the
 *       step ends after the running ones;</li>
 *   <li>fault tolerance: Spark retries a failed task ({@code spark.task.maxFailures}); {@link #attempt} tells a task
 *       which attempt it is (always 0 on driver threads, where a failure fails the step).</li>
 * </ul>
 *
 * <p>Cost per step: on driver threads, none beyond the tasks (the data is shared, not copied); as Spark tasks, one
 * broadcast of the data per {@code Tasks} (the first Spark step), one Spark job, the task function serialized once
 * per task, and the results collected to the driver — so results should be small (reports, statistics, blocks of
 * the Java API).
 *
 * @param <D> the data every task reads (serializable: it is broadcast when Spark runs the tasks)
 */
public final class Tasks<D> implements AutoCloseable {
    private final JobContext ctx;
    private final String label;
    private final D data;
    private Broadcast<D> broadcast;

    private Tasks(JobContext ctx, String label, D data) {
        this.ctx = ctx;
        this.label = label;
        this.data = data;
    }

    /** Steps of the job {@code label} (used in job group names) over {@code data}, in {@code ctx}. */
    public static <D> Tasks<D> sharing(JobContext ctx, String label, D data) {
        return new Tasks<>(ctx, label, data);
    }

    /** One task: item in, result out, given the shared data. */
    @FunctionalInterface
    public interface Task<D, T, R> extends Serializable {
        R run(D data, T item) throws IOException;
    }

    /** Where a step of about {@code flops} floating-point operations runs: {@link Placement#decide}. */
    public Placement place(double flops) {
        return Placement.decide(ctx, flops);
    }

    /**
     * Runs {@code task} over {@code items} where {@code where} says, at most {@code width} at once (Spark: as many
     * partitions, the items split among them in order; driver threads: at most that many threads); results in the
     * order of the items. {@code progress} (may be null) is told each finished item; with Spark tasks it needs one
     * item per partition ({@code width} = items). The first failure is rethrown as thrown (IOExceptions and unchecked
     * exceptions as they are, Spark's job failure as Spark throws it).
     */
    public <T, R> List<R> map(Placement where, List<T> items, int width, Task<D, T, R> task, Progress progress)
            throws IOException {
        if (items.isEmpty()) {
            return List.of();
        }
        Interruption.checkCancelled();
        int w = Math.max(1, Math.min(width, items.size()));
        if (where.inDriver()) {
            return DriverThreads.map(
                    items,
                    Math.min(w, where.threads()),
                    item -> task.run(data, item),
                    progress == null ? null : progress::itemDone);
        }
        JavaSparkContext jsc = ctx.spark();
        if (broadcast == null) {
            broadcast = jsc.broadcast(data);
        }
        String group = "adjoint-" + label + "-" + UUID.randomUUID();
        if (progress != null) {
            progress.follow(group);
            jsc.sc().addSparkListener(progress);
        }
        jsc.setJobGroup(group, "adjoint " + label, true);
        Runnable onCancel = () -> jsc.cancelJobGroup(group);
        Interruption.addCancelHook(onCancel);
        try {
            Interruption.checkCancelled(); // Spark may have taken seconds to start
            List<R> results = jsc.parallelize(items, w)
                    .mapPartitions(new SparkTask<>(broadcast, task))
                    .collect();
            if (progress != null) {
                // Spark's listener bus is asynchronous: the last tasks' ends may not have reached it yet
                for (int i = 0; i < items.size(); i++) {
                    progress.itemDone(i);
                }
            }
            return results;
        } catch (Throwable failed) {
            if (Interruption.cancelled()) { // the Python API's Ctrl-C: said as such, not as Spark's job failure
                jsc.cancelJobGroup(group);
                awaitNoRunningTasks(jsc, group, 10_000);
                throw new java.util.concurrent.CancellationException("cancelled: the Spark job was stopped");
            }
            if (!Interruption.shuttingDown()) {
                jsc.cancelJobGroup(group);
                awaitNoRunningTasks(jsc, group, 10_000);
            }
            throw failed;
        } finally {
            Interruption.removeCancelHook(onCancel);
            jsc.clearJobGroup();
            if (progress != null) {
                jsc.sc().removeSparkListener(progress);
            }
        }
    }

    /** {@link #map} where {@link #place} puts {@code flops} of work. */
    public <T, R> List<R> map(double flops, List<T> items, int width, Task<D, T, R> task, Progress progress)
            throws IOException {
        return map(place(flops), items, width, task, progress);
    }

    /** The attempt of the running task: Spark's attempt number in a Spark task, 0 on a driver thread. */
    public static int attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 0 : tc.attemptNumber();
    }

    /** Destroys the broadcast, if a step made one. */
    @Override
    public void close() {
        if (broadcast != null) {
            broadcast.destroy();
            broadcast = null;
        }
    }

    /**
     * The Spark side: the partition's items in order, each through the task over the broadcast data. A named class,
     * not a lambda: executors of a standalone cluster load the application jar in a child class loader, where Java's
     * serialized lambdas of the driver's classes fail to resolve.
     */
    private static final class SparkTask<D, T, R> implements FlatMapFunction<Iterator<T>, R> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<D> data;
        private final Task<D, T, R> task;

        SparkTask(Broadcast<D> data, Task<D, T, R> task) {
            this.data = data;
            this.task = task;
        }

        @Override
        public Iterator<R> call(Iterator<T> items) throws IOException {
            D d = data.value();
            List<R> out = new ArrayList<>();
            while (items.hasNext()) {
                out.add(task.run(d, items.next()));
            }
            return out.iterator();
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
