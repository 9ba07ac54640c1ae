package io.adjoint.driver.block;

import io.adjoint.driver.plan.RowBlocks;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress on stderr while a job runs: blocks done, rows/s and ETA, printed each time another tenth of
 * the blocks has finished. Counts each block once, however many attempts it took. Listens only to
 * the jobs of its own job group.
 */
final class BlockProgress extends SparkListener {
    private final String jobGroup;
    private final String label;
    private final RowBlocks blocks;
    private final Consumer<String> out;
    private final Set<Integer> stages = new HashSet<>();
    private final Set<Integer> doneBlocks = new HashSet<>();
    private long rowsDone;
    private int lastTenth;
    private final long startNanos = System.nanoTime();

    BlockProgress(String jobGroup, String label, RowBlocks blocks, Consumer<String> out) {
        this.jobGroup = jobGroup;
        this.label = label;
        this.blocks = blocks;
        this.out = out;
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
        int block = end.taskInfo().index();
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
                    "%s: %d/%d blocks (%d%%), %d/%d rows, %.0f rows/s, ETA %.0f s",
                    label,
                    doneBlocks.size(),
                    total,
                    doneBlocks.size() * 100L / total,
                    rowsDone,
                    blocks.rows(),
                    rate,
                    eta));
        }
    }
}
