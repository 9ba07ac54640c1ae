package io.adjoint.jobs;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How the process ends when the command's own return does not end it — so that every ending leaves one line and the
 * exit code the README promises, and the command's clean-up (claims released; temporaries kept for {@code --resume}
 * or removed) runs first. The JVM ends in one of four ways:
 * <ul>
 *   <li>{@link Ending#OURS}: the command returned and {@link Main} exits with its code;</li>
 *   <li>{@link Ending#SIGNAL}: Ctrl-C or SIGTERM — the JVM exits 130 or 143 when its shutdown hooks end; the failing
 *       command says "interrupted";</li>
 *   <li>{@link Ending#FOREIGN_EXIT}: a library calls {@code System.exit} under the running job. Spark does on a fatal
 *       error in one of its threads (an {@link OutOfMemoryError} in a task on a local master exits 52), without a
 *       word while its log is off; the exit code is one a gradcheck FAIL or nothing of ours means. The guard names
 *       the caller and the thread, and the process exits 3 (internal failure);</li>
 *   <li>{@link Ending#FATAL_ERROR}: a {@link VirtualMachineError} (out of memory) kills a thread no one catches for
 *       — a Spark thread the job waits on, which would then wait forever. The guard ends the process with 3, naming
 *       the thread and the error.</li>
 * </ul>
 * Which one it is, is read off the thread that began the shutdown: it stays blocked in {@code Runtime.exit} while the
 * hooks run, inside the JVM's signal handler for a signal, else under the caller of {@code System.exit}. While the
 * JVM ends for any reason but ours, other threads' stack traces (Spark's pools refusing work as they stop, Scala's
 * futures reporting it) are not printed: the command's line is the one that says what happened
 * ({@code ADJOINT_DEBUG=1} keeps them).
 */
final class ProcessGuard {
    /** How the JVM is ending. */
    enum Ending {
        OURS,
        SIGNAL,
        FOREIGN_EXIT,
        FATAL_ERROR
    }

    /** How long the command may take to clean up after a signal or a foreign exit, as it always had. */
    private static final long CLEAN_UP_SECONDS = 10;

    private static final CountDownLatch RETURNED = new CountDownLatch(1);
    private static volatile Ending ending;
    private static volatile String detail = "";
    private static volatile int code = Main.INTERNAL;
    private static volatile String command = "adjoint";
    private static volatile Thread main;
    /** Memory given back when a thread runs out, so that saying so and cleaning up do not run out too. */
    @SuppressWarnings("unused")
    private static volatile byte[] reserve;

    private ProcessGuard() {}

    /** Installs the guard: the shutdown hook and the handler of errors no thread catches. For {@link Main#main}. */
    static void install(String[] args) {
        command = args.length > 0 && !args[0].startsWith("-") ? "adjoint " + args[0] : "adjoint";
        reserve = new byte[8 << 20];
        main = Thread.currentThread();
        Thread.setDefaultUncaughtExceptionHandler(ProcessGuard::uncaught);
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessGuard::onShutdown, "adjoint-shutdown"));
    }

    /** Ends the process with the command's {@code exitCode}: after a signal or a foreign exit, the hook gives it. */
    static void exit(int exitCode) {
        code = exitCode;
        synchronized (ProcessGuard.class) {
            if (ending == null) {
                ending = Ending.OURS;
            }
        }
        RETURNED.countDown();
        System.exit(exitCode);
    }

    /** How the JVM is ending, or null while it runs on. */
    static synchronized Ending ending() {
        if (ending == null && io.adjoint.driver.exec.Interruption.shuttingDown()) {
            classify();
        }
        return ending;
    }

    /** What ended it, for a line ("Spark called System.exit from … in thread …"); empty for ours and signals. */
    static String detail() {
        return detail;
    }

    /** Reads the ending off the thread blocked in {@code Runtime.exit}. */
    private static void classify() {
        for (Map.Entry<Thread, StackTraceElement[]> t :
                Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] frames = t.getValue();
            int exit = -1;
            for (int i = 0; i < frames.length; i++) {
                String c = frames[i].getClassName();
                if (c.startsWith("java.lang.Terminator") || c.startsWith("jdk.internal.misc.Signal")) {
                    ending = Ending.SIGNAL;
                    return;
                }
                if ((c.equals("java.lang.Runtime") || c.equals("java.lang.System"))
                        && frames[i].getMethodName().equals("exit")) {
                    exit = i;
                }
            }
            if (exit >= 0 && exit + 1 < frames.length) {
                StackTraceElement caller = frames[exit + 1];
                ending = Ending.FOREIGN_EXIT;
                detail = simpleName(caller.getClassName()) + "." + caller.getMethodName() + " called System.exit"
                        + " in thread '" + t.getKey().getName() + "'"
                        + (caller.getClassName().startsWith("org.apache.spark")
                                ? " (Spark ends the process on a fatal error in one of its threads, most often out of"
                                        + " memory: give the driver more memory, ADJOINT_DRIVER_MEMORY or"
                                        + " --driver-memory; ADJOINT_SPARK_LOG=error shows Spark's reason)"
                                : "");
                return;
            }
        }
        ending = Ending.SIGNAL; // no thread in exit: the JVM's own ending, as for a signal
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Errors no thread catches: a fatal one ends the process (exit 3); others are printed, as the JVM would. */
    private static void uncaught(Thread t, Throwable e) {
        if (!(e instanceof VirtualMachineError)) {
            System.err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace();
            return;
        }
        reserve = null;
        synchronized (ProcessGuard.class) {
            if (ending != null) {
                return; // already ending
            }
            ending = Ending.FATAL_ERROR;
        }
        detail =
                e + " in thread '" + t.getName() + "'" + (e instanceof OutOfMemoryError ? ": " + Main.MORE_MEMORY : "");
        // exit from another thread: this one may hold locks the clean-up needs
        Thread exiter = new Thread(() -> System.exit(Main.INTERNAL), "adjoint-fatal-exit");
        exiter.setDaemon(true);
        exiter.start();
    }

    private static void onShutdown() {
        Ending why = ending();
        if (why == Ending.OURS) {
            return;
        }
        if (System.getenv("ADJOINT_DEBUG") == null) {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        }
        if (why != Ending.SIGNAL) {
            main.interrupt(); // the job's thread may wait for what will never come (a block on the dead thread)
        }
        boolean returned;
        try {
            returned = RETURNED.await(CLEAN_UP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            returned = false;
        }
        if (why == Ending.SIGNAL) {
            return; // the JVM exits 130 or 143
        }
        if (!returned) {
            Main.ERR.println(command + ": internal error: " + detail + "; the job did not stop within "
                    + CLEAN_UP_SECONDS + " s (a later run takes over its claim)");
        }
        Runtime.getRuntime().halt(returned ? code : Main.INTERNAL);
    }
}
