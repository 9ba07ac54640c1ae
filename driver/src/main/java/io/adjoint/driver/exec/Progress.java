package io.adjoint.driver.exec;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress on stderr while a step of {@link Tasks} runs, one item per task: items done, units/s and ETA, printed each
 * time another tenth of the items has finished. Counts each item once, however many attempts it took. Driver threads
 * report finished items themselves; for Spark tasks it listens to the tasks of its step's job group only (a task's
 * index is its item's).
 */
public final class Progress extends SparkListener {
    private final String label;
    private final String unit;
    private final int count;
    private final long units;
    private final IntToLongFunction size;
    private final JobLog out;
    private final Set<Integer> stages = new HashSet<>();
    private final Set<Integer> doneItems = new HashSet<>();
    private String jobGroup = "";
    private long unitsDone;
    private int lastTenth;
    private final long startNanos = System.nanoTime();

    private Progress(String label, String unit, int count, IntToLongFunction size, JobLog out) {
        this.label = label;
        this.unit = unit;
        this.count = count;
        this.size = size;
        this.out = out;
        long u = 0;
        for (int i = 0; i < count; i++) {
            u += size.applyAsLong(i);
        }
        this.units = u;
    }

    /**
     * Progress of {@code count} items, item i covering {@code size(i)} {@code unit}s (rows of a result, columns of a
     * gradient check), printed as "{@code label}: …"; null (no progress) when {@code log} is null.
     */
    public static Progress of(String label, String unit, int count, IntToLongFunction size, JobLog log) {
        return log == null ? null : new Progress(label, unit, count, size, log);
    }

    /** Listens to the Spark job group {@code group} from now on (set by {@link Tasks} before its job starts). */
    synchronized void follow(String group) {
        this.jobGroup = group;
        stages.clear();
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
        itemDone(end.taskInfo().index());
    }

    /** Counts item {@code item} done (once, however often it is reported) and prints a line at each tenth. */
    public synchronized void itemDone(int item) {
        if (item >= count || !doneItems.add(item)) {
            return;
        }
        unitsDone += size.applyAsLong(item);
        int tenth = (int) ((long) doneItems.size() * 10 / count);
        if (tenth > lastTenth || doneItems.size() == count) {
            lastTenth = tenth;
            double secs = (System.nanoTime() - startNanos) / 1e9;
            double rate = unitsDone / Math.max(secs, 1e-9);
            double eta = (units - unitsDone) / Math.max(rate, 1e-9);
            out.progress(String.format(
                    Locale.ROOT,
                    "%s: %d/%d blocks (%d%%), %d/%d %s, %.0f %s/s, ETA %.0f s",
                    label,
                    doneItems.size(),
                    count,
                    doneItems.size() * 100L / count,
                    unitsDone,
                    units,
                    unit,
                    rate,
                    unit,
                    eta));
        }
    }
}
