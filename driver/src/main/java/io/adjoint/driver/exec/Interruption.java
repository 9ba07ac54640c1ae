package io.adjoint.driver.exec;

/**
 * Whether the process is shutting down — Ctrl-C or SIGTERM, which stop Spark under a running job. A failure seen
 * then is the interruption, not an error: resumable work is kept (as after kill -9) and the command says so.
 */
public final class Interruption {
    private Interruption() {}

    private static volatile boolean cancelled;

    /**
     * Asks the running job to stop without ending the JVM (the Python API's Ctrl-C): no task starts after it, the
     * running ones finish their blocks, and the job fails; its outputs are aborted — temporaries removed, a folder it
     * created and left empty removed — as after any failure. Spark's running jobs are cancelled by the caller.
     */
    public static void cancel() {
        cancelled = true;
        ON_CANCEL.forEach(Runnable::run);
    }

    private static final java.util.Set<Runnable> ON_CANCEL = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Runs {@code hook} on every {@link #cancel} until {@link #removeCancelHook} (a Spark step's: cancel its job
     * group). A cancel may come again (the caller repeats it while it waits), so a job submitted just after one is
     * still cancelled.
     */
    public static void addCancelHook(Runnable hook) {
        ON_CANCEL.add(hook);
    }

    /** Removes a hook of {@link #addCancelHook}. */
    public static void removeCancelHook(Runnable hook) {
        ON_CANCEL.remove(hook);
    }

    /** Clears {@link #cancel} before the next job. */
    public static void clearCancel() {
        cancelled = false;
    }

    /** Whether {@link #cancel} was asked since the last {@link #clearCancel}. */
    public static boolean cancelled() {
        return cancelled;
    }

    /** Throws when {@link #cancel} was asked: where a job would start more work. */
    public static void checkCancelled() {
        if (cancelled) {
            throw new java.util.concurrent.CancellationException("cancelled: no further task starts");
        }
    }

    /** True once the JVM's shutdown has begun (a shutdown hook can no longer be added). */
    public static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
