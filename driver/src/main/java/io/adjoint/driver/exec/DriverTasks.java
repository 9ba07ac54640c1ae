package io.adjoint.driver.exec;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small jobs on a local master run their tasks on threads of the driver instead of as Spark tasks. On
 * {@code local[N]} Spark's executor is this JVM, so nothing moves elsewhere: what is saved is Spark's fixed cost per
 * job — serializing and broadcasting the work, scheduling, deserializing it again in each task — measured here at
 * ≈ 1.3 s for the first job of a fresh JVM (0.5 s of it the first Kryo broadcast) and 0.1–0.3 s for later ones,
 * more than the whole work of a VJP batch or a structured gradient check at n = 96.
 *
 * <p>The rule ({@link #place}): the master is local, no failing-attempt test hook is set (they exercise Spark's
 * task attempts), and the job's estimated work is at most {@code spark.adjoint.driverTasks.maxGflopsPerThread} (default
 * {@value #DEFAULT_MAX_GFLOPS_PER_THREAD} GFLOP, about a second of one core here) times the master's threads;
 * {@code spark.adjoint.driverTasks=never|always} overrides it (cluster masters always use Spark). Tasks are the
 * same code either way, and their results are the same bytes (tested).
 *
 * <p>Cost: one thread per slot of the local master, the items handed out in order; no serialization. A failing
 * task stops the others from starting and waits for the running ones to finish, so nothing of the job is still
 * writing when its outputs are aborted. So does the JVM's shutdown (Ctrl-C, SIGTERM), as Spark's shutdown fails its
 * running job: no block starts after it, the job fails as interrupted, and finished blocks are kept for --resume.
 */
public final class DriverTasks {
    /** The default work limit for running in the driver, in GFLOP per thread of the local master. */
    public static final double DEFAULT_MAX_GFLOPS_PER_THREAD = 4.0;

    static final String MODE = "spark.adjoint.driverTasks";
    static final String LIMIT = "spark.adjoint.driverTasks.maxGflopsPerThread";

    private DriverTasks() {}

    /** Where a job's tasks run: {@code threads} > 0 on the driver, else as Spark tasks; {@code reason} for the log. */
    public record Placement(int threads, String reason) {
        public boolean inDriver() {
            return threads > 0;
        }

        /**
         * What a broadcast of {@code o} would carry, for planning: its serialized size with Spark tasks, 0 on driver
         * threads, which share the object and broadcast nothing (sizing it by serialization costs a small job
         * 20–40 ms of cold code).
         */
        public long broadcastBytes(Object o) {
            return inDriver() ? 0 : serializedBytes(o);
        }
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

    /** One task over one item. */
    @FunctionalInterface
    public interface Task<T, R> {
        R run(T item) throws IOException;
    }

    /**
     * Where a job of about {@code flops} floating-point operations runs (see the class comment). Never the driver
     * for a cluster master or when a failing-attempt test hook is set. The mode and limit are read from the thread's local
     * properties, else the Spark conf.
     */
    public static Placement place(JobContext ctx, double flops) {
        boolean local = ctx.isLocal();
        return place(
                local,
                ctx.setting(MODE, "auto"),
                limit(ctx.setting(LIMIT, Double.toString(DEFAULT_MAX_GFLOPS_PER_THREAD))),
                local ? Math.max(1, ctx.defaultParallelism()) : 1,
                TestHooks.from(ctx).failsAttempts(),
                flops);
    }

    /** The rule itself: {@code threads} of a local master, {@code limit} in GFLOP per thread. */
    static Placement place(boolean local, String mode, double limit, int threads, boolean hooks, double flops) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("never") && !m.equals("always")) {
            throw new InvalidInputException(MODE + "=" + mode + ": use auto, never or always");
        }
        if (!local || m.equals("never") || hooks) {
            return new Placement(0, null);
        }
        if (m.equals("always")) {
            return new Placement(threads, "tasks on up to " + threads + " driver threads (" + MODE + "=always)");
        }
        double max = limit * 1e9 * threads;
        if (!(flops <= max)) {
            return new Placement(0, null);
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
     * For jobs whose rows are independent (products): when the tasks run on driver threads and the planner made
     * fewer blocks than threads, one block per thread instead — a driver thread's block costs no scheduling. Left
     * as planned for an explicit {@code --rows-per-task} or a resume (whose journal fixes the blocks).
     */
    public static BlockPlanner.Plan blockPerThread(BlockPlanner.Plan plan, Placement where, boolean fixed) {
        RowBlocks planned = plan.blocks();
        if (!where.inDriver() || fixed || planned.count() >= where.threads() || planned.rows() <= planned.count()) {
            return plan;
        }
        int b = (int) ((planned.rows() + where.threads() - 1) / where.threads());
        return new BlockPlanner.Plan(
                new RowBlocks(planned.rows(), b), plan.reason() + "; B=" + b + " to give each driver thread a block");
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

    /**
     * Runs {@code task} over {@code items} on {@code threads} threads, results in the order of the items;
     * {@code done} (may be null) is told each finished item's index. The first failure is rethrown as it was
     * thrown (IOExceptions and unchecked exceptions unwrapped), after the tasks still running have ended; once the
     * JVM shuts down no item starts, and the first one that does not is the failure.
     */
    public static <T, R> List<R> map(List<T> items, int threads, Task<T, R> task, java.util.function.IntConsumer done)
            throws IOException {
        int n = Math.min(Math.max(1, threads), Math.max(1, items.size()));
        AtomicInteger serial = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "adjoint-driver-task-" + serial.incrementAndGet());
            t.setDaemon(true); // an interrupted JVM does not wait for them
            return t;
        });
        List<Future<R>> futures = new ArrayList<>(items.size());
        AtomicBoolean failed = new AtomicBoolean();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread onShutdown = new Thread(() -> stopping.set(true), "adjoint-driver-tasks-stop");
        try {
            Runtime.getRuntime().addShutdownHook(onShutdown);
        } catch (IllegalStateException alreadyShuttingDown) {
            stopping.set(true);
        }
        try {
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                int index = i;
                futures.add(pool.submit(() -> {
                    if (stopping.get()) {
                        throw new IllegalStateException(
                                "interrupted: the JVM is shutting down; no further task starts");
                    }
                    if (failed.get()) {
                        return null; // another task failed: the job is over
                    }
                    R r;
                    try {
                        r = task.run(item);
                    } catch (IOException | RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                    if (done != null) {
                        done.accept(index);
                    }
                    return r;
                }));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the driver's tasks ran", e);
        } finally {
            futures.forEach(f -> f.cancel(false)); // not yet started: never will
            pool.shutdown();
            awaitQuietly(pool);
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook has run or is running; it only sets the flag
            }
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // a running task finishes its block; none starts
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(cause);
    }
}
