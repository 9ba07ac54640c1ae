package io.adjoint.driver.exec;

import io.adjoint.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Locale;

/**
 * Where a step's tasks run: on {@code threads} threads of the driver ({@code threads} > 0), or as one Spark job. The
 * rule, {@link #decide}, is the only place this is decided; every job's steps ask it through {@link Tasks}.
 *
 * <p>Why. On {@code local[N]} Spark's executor is this JVM, so a Spark job moves nothing: it only adds Spark's fixed
 * cost per job — serializing and broadcasting the work, scheduling, deserializing it again in each task — measured
 * here at ≈ 1.3 s for the first job of a fresh JVM (0.5 s of it the first Kryo broadcast, and the context's start
 * when nothing started it yet) and 0.1–0.3 s for later ones: more than the whole work of a VJP batch or a structured
 * gradient check at n = 96. Tasks are the same code either way, and their results the same bytes (tested).
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>a cluster master: Spark tasks (executors are other machines);</li>
 *   <li>{@code spark.adjoint.driverTasks=never}, or a fault that needs Spark's task attempts ({@link
 *       Faults#needsTaskAttempts}): Spark tasks;</li>
 *   <li>{@code spark.adjoint.driverTasks=always}: driver threads;</li>
 *   <li>otherwise ({@code auto}, the default) driver threads when the step's estimated work is at most {@code
 *       spark.adjoint.driverTasks.maxGflopsPerThread} (default {@value #DEFAULT_MAX_GFLOPS_PER_THREAD} GFLOP, about a
 *       second of one core here) times the master's threads, else Spark tasks.</li>
 * </ol>
 * Whether Spark is already up does not change the outcome: a running context makes a Spark job cheaper (no start),
 * but driver threads still skip the broadcast, the serialization and the scheduling, so under the limit they are
 * never the slower choice; only a step over the limit starts Spark. Settings are read from the calling thread's local
 * properties of a running context first, then the Spark conf.
 */
public record Placement(int threads, String reason) {
    /** The default work limit for running in the driver, in GFLOP per thread of the local master. */
    public static final double DEFAULT_MAX_GFLOPS_PER_THREAD = 4.0;

    static final String MODE = "spark.adjoint.driverTasks";
    static final String LIMIT = "spark.adjoint.driverTasks.maxGflopsPerThread";

    /** Spark tasks. */
    public static final Placement SPARK = new Placement(0, null);

    /** Whether the tasks run on driver threads. */
    public boolean inDriver() {
        return threads > 0;
    }

    /**
     * Where a step of about {@code flops} floating-point operations runs in {@code ctx} (see the class comment). Cost:
     * reads three settings; never starts Spark on a local master.
     */
    public static Placement decide(JobContext ctx, double flops) {
        boolean local = ctx.isLocal();
        return decide(
                local,
                ctx.setting(MODE, "auto"),
                limit(ctx.setting(LIMIT, Double.toString(DEFAULT_MAX_GFLOPS_PER_THREAD))),
                local ? Math.max(1, ctx.defaultParallelism()) : 1,
                ctx.faults().needsTaskAttempts(),
                flops);
    }

    /** The rule itself: {@code threads} of a local master, {@code limit} in GFLOP per thread. */
    static Placement decide(boolean local, String mode, double limit, int threads, boolean attempts, double flops) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("never") && !m.equals("always")) {
            throw new InvalidInputException(MODE + "=" + mode + ": use auto, never or always");
        }
        if (!local || m.equals("never") || attempts) {
            return SPARK;
        }
        if (m.equals("always")) {
            return new Placement(threads, "tasks on up to " + threads + " driver threads (" + MODE + "=always)");
        }
        double max = limit * 1e9 * threads;
        if (!(flops <= max)) {
            return SPARK;
        }
        return new Placement(
                threads,
                String.format(
                        Locale.ROOT,
                        "tasks on up to %d driver threads, not Spark tasks: ~%.2f GFLOP of work is less than a Spark job's"
                                + " fixed cost (limit %.1f GFLOP; %s=never to use Spark)",
                        threads,
                        flops / 1e9,
                        max / 1e9,
                        MODE));
    }

    /**
     * What a broadcast of {@code o} would carry, for planning: its serialized size with Spark tasks, 0 on driver
     * threads, which share the object and broadcast nothing (sizing it by serialization costs a small job 20–40 ms
     * of cold code).
     */
    public long broadcastBytes(Object o) {
        return inDriver() ? 0 : serializedBytes(o);
    }

    /** Java-serialized size of {@code o}: what a broadcast of it carries (−1 if it cannot be serialized). */
    public static long serializedBytes(Object o) {
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream();
                ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
            out.flush();
            return bos.size();
        } catch (IOException e) {
            return -1;
        }
    }

    private static double limit(String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidInputException(LIMIT + "=" + v + ": give GFLOP per thread, a number ≥ 0");
    }
}
