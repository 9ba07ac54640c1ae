package io.adjoint.driver.exec;

/**
 * Whether the process is shutting down — Ctrl-C or SIGTERM, which stop Spark under a running job. A failure seen
 * then is the interruption, not an error: resumable work is kept (as after kill -9) and the command says so.
 */
public final class Interruption {
    private Interruption() {}

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
