package io.adjoint.driver.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Tasks on threads of the driver, for steps {@link Placement} keeps out of Spark ({@link Tasks} calls it).
 *
 * <p>Cost: one thread per slot of the local master, the items handed out in order; no serialization. A failing
 * task stops the others from starting and waits for the running ones to finish, so nothing of the job is still
 * writing when its outputs are aborted. So does the JVM's shutdown (Ctrl-C, SIGTERM), as Spark's shutdown fails its
 * running job: no item starts after it, the step fails as interrupted, and finished blocks are kept for --resume.
 */
final class DriverThreads {
    private DriverThreads() {}

    /** One task over one item. */
    @FunctionalInterface
    interface Task<T, R> {
        R run(T item) throws IOException;
    }

    /**
     * Runs {@code task} over {@code items} on {@code threads} threads, results in the order of the items;
     * {@code done} (may be null) is told each finished item's index. The first failure is rethrown as it was
     * thrown (IOExceptions and unchecked exceptions unwrapped), after the tasks still running have ended; once the
     * JVM shuts down no item starts, and the first one that does not is the failure.
     */
    static <T, R> List<R> map(List<T> items, int threads, Task<T, R> task, IntConsumer done) throws IOException {
        if (items.size() == 1) {
            // one item (a small job's one block): on this thread, without a pool to start and stop (≈ 0.1 ms, most
            // of a small in-process product)
            if (Interruption.shuttingDown()) {
                throw new IllegalStateException("interrupted: the JVM is shutting down; no further task starts");
            }
            Interruption.checkCancelled();
            R r = task.run(items.get(0));
            if (done != null) {
                done.accept(0);
            }
            List<R> one = new ArrayList<>(1);
            one.add(r);
            return one;
        }
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
                    if (Interruption.cancelled()) {
                        failed.set(true);
                        Interruption.checkCancelled();
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
