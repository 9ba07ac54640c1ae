package io.adjoint.driver.exec;

import io.adjoint.driver.plan.RowBlocks;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress on stderr while a job runs: blocks done, rows/s and ETA, printed each time another tenth of
 * the blocks has finished. Counts each block once, however many attempts it took. Listens only to
 * the jobs of its own job group.
 */
public final class BlockProgress extends SparkListener {
    private final String jobGroup;
    private final String label;
    private final RowBlocks blocks;
    /** What the blocks partition: "rows" (of a result) or "columns" (of a gradient check). */
    private final String unit;

    private final Consumer<String> out;
    private final Set<Integer> stages = new HashSet<>();
    private final Set<Integer> doneBlocks = new HashSet<>();
    private long rowsDone;
    private int lastTenth;
    private final long startNanos = System.nanoTime();

    public BlockProgress(String jobGroup, String label, RowBlocks blocks, Consumer<String> out) {
        this(jobGroup, label, blocks, "rows", out);
    }

    BlockProgress(String jobGroup, String label, RowBlocks blocks, String unit, Consumer<String> out) {
        this.jobGroup = jobGroup;
        this.label = label;
        this.blocks = blocks;
        this.unit = unit;
        this.out = out;
    }

    /**
     * Progress of blocks run on driver threads ({@link DriverTasks}): the caller reports each finished block with
     * {@link #blockDone}; null when {@code log} is null.
     */
    public static BlockProgress forDriver(String label, RowBlocks blocks, String unit, Consumer<String> log) {
        return log == null ? null : new BlockProgress("", label, blocks, unit, log);
    }

    /**
     * Runs {@code job} (one Spark job whose task i handles block i of {@code blocks}) in a job group of its own,
     * printing progress to {@code log} each time another tenth of the blocks is done; no progress when log is null.
     */
    public static <T> T track(
            JavaSparkContext jsc, String label, RowBlocks blocks, String unit, Consumer<String> log, Supplier<T> job) {
        if (log == null) {
            return job.get();
        }
        String group = "adjoint-" + label + "-" + UUID.randomUUID();
        BlockProgress p = new BlockProgress(group, label, blocks, unit, log);
        jsc.sc().addSparkListener(p);
        jsc.setJobGroup(group, "adjoint " + label, true);
        try {
            return job.get();
        } finally {
            jsc.clearJobGroup();
            jsc.sc().removeSparkListener(p);
        }
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart jobStart) {
        String group =
                jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.jobGroup.id");
        if (jobGroup.equals(group)) {
            scala.collection.Iterator<Object> it = jobStart.stageIds().iterator();
            while (it.hasNext()) {
                stages.add((Integer) it.next());
            }
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (!stages.contains(end.stageId()) || !end.taskInfo().successful()) {
            return;
        }
        blockDone(end.taskInfo().index());
    }

    /** Counts block {@code block} done (once, however often it is reported) and prints a line at each tenth. */
    public synchronized void blockDone(int block) {
        if (block >= blocks.count() || !doneBlocks.add(block)) {
            return;
        }
        rowsDone += blocks.end(block) - blocks.start(block);
        int total = blocks.count();
        int tenth = (int) ((long) doneBlocks.size() * 10 / total);
        if (tenth > lastTenth || doneBlocks.size() == total) {
            lastTenth = tenth;
            double secs = (System.nanoTime() - startNanos) / 1e9;
            double rate = rowsDone / Math.max(secs, 1e-9);
            double eta = (blocks.rows() - rowsDone) / Math.max(rate, 1e-9);
            out.accept(String.format(
                    Locale.ROOT,
                    "%s: %d/%d blocks (%d%%), %d/%d %s, %.0f %s/s, ETA %.0f s",
                    label,
                    doneBlocks.size(),
                    total,
                    doneBlocks.size() * 100L / total,
                    rowsDone,
                    blocks.rows(),
                    unit,
                    rate,
                    unit,
                    eta));
        }
    }
}
