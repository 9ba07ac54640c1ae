package io.adjoint.jobs;

import io.adjoint.driver.exec.JobLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A job's lines on stderr at the level the user chose. By default a small job says one line — what it wrote and how
 * long it took — plus its warnings; the planner's reasoning (plan, seeding, rows per task, where tasks run, memory)
 * only with {@code --verbose}. Progress is shown only once a job has run for {@value #QUIET_SECONDS} s, at most one
 * line every {@value #EVERY_SECONDS} s: in a terminal as one line rewritten in place (and erased before the next
 * line), else as plain lines. With {@code --verbose} every line is printed, progress at each tenth of the work.
 */
final class StderrLog implements JobLog, AutoCloseable {
    static final long QUIET_SECONDS = 3;
    static final long EVERY_SECONDS = 5;

    private final PrintWriter err;
    private final boolean verbose;
    private final boolean terminal;
    private final java.util.function.LongSupplier clock;
    private final long startNanos;
    private long lastProgressNanos = Long.MIN_VALUE;
    private boolean progressOnScreen;

    StderrLog(PrintWriter err, boolean verbose, boolean terminal) {
        this(err, verbose, terminal, System::nanoTime);
    }

    /** With the clock {@code nanoTime} (tests). */
    StderrLog(PrintWriter err, boolean verbose, boolean terminal, java.util.function.LongSupplier nanoTime) {
        this.err = err;
        this.verbose = verbose;
        this.terminal = terminal;
        this.clock = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Whether this process's stderr is a terminal (Linux: where file descriptor 2 points). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public synchronized void accept(String line) {
        eraseProgress();
        err.println(line);
        err.flush();
    }

    @Override
    public void detail(String line) {
        if (verbose) {
            accept(line);
        }
    }

    @Override
    public synchronized void progress(String line) {
        if (verbose) {
            accept(line);
            return;
        }
        long now = clock.getAsLong();
        if (now - startNanos < QUIET_SECONDS * 1_000_000_000L
                || (lastProgressNanos != Long.MIN_VALUE && now - lastProgressNanos < EVERY_SECONDS * 1_000_000_000L)) {
            return;
        }
        lastProgressNanos = now;
        if (terminal) {
            err.print("\r" + line + "\033[K");
            err.flush();
            progressOnScreen = true;
        } else {
            err.println(line);
            err.flush();
        }
    }

    private void eraseProgress() {
        if (progressOnScreen) {
            err.print("\r\033[K");
            progressOnScreen = false;
        }
    }

    /** Erases a progress line still on the terminal. */
    @Override
    public synchronized void close() {
        eraseProgress();
        err.flush();
    }
}
