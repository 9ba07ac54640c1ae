package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.commit.MemoryCsrResult;
import io.adjoint.driver.exec.Interruption;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine;

/**
 * The JVM side of the Python API ({@code python/adjoint}, through JPype, in the Python process): one Spark per
 * process, started on the first job that needs Spark tasks (small jobs on a local master run on driver threads and
 * never start it), and the CLI's own commands run in-process against it — the same parsing, checks, planning, tasks
 * and one-line messages, so a call's results are the CLI's bit for bit. Arrays cross without files: inputs are
 * {@code adjoint-mem:} files over the caller's NumPy memory ({@link MemoryFileSystem#put}), results are direct buffers
 * the caller wraps ({@link #doubles}, {@link #csr}).
 *
 * <p>One command runs at a time, on the session's thread (a second {@link #run} waits its turn). A call runs on a thread of its own, so
 * that the Python side can wait in short slices, show progress lines as they come ({@link Call#lines}) and, on Ctrl-C,
 * {@link Call#cancel} it: Spark's jobs are cancelled, no further task starts, and the job's outputs are aborted as
 * after any failure (temporaries and a folder it created removed).
 */
public final class PythonSession implements AutoCloseable {
    /** What the commands of a session share ({@link SparkOptions#session}). */
    record Shared(SparkConf conf, Configuration hadoop, JobContext context) {}

    /** The commands the Python API runs (not {@code bench}: it starts a Spark of its own). */
    private static final Set<String> COMMANDS =
            Set.of("jacobian", "vjp", "jvp", "gradcheck", "contract", "grad", "hessian", "hvp");

    private static PythonSession current;

    private final Shared shared;

    /**
     * The one thread commands run on, in turn: kept for the session, so its thread-local caches stay warm and no
     * thread starts per call (together ≈ 4 ms of a small call).
     */
    private final java.util.concurrent.ExecutorService worker =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "adjoint-python-calls");
                t.setDaemon(true);
                return t;
            });

    private PythonSession(Shared shared) {
        this.shared = shared;
    }

    /**
     * Starts the session's Spark settings (Spark itself starts with the first job that needs it; a cluster master is
     * contacted now): {@code master} null for the CLI's default, {@code conf} as {@code KEY=VALUE} strings.
     *
     * @throws InvalidInputException when a setting is wrong (the CLI's messages), or a session already runs
     */
    public static synchronized PythonSession start(String master, String[] conf) {
        if (current != null) {
            throw new InvalidInputException("Spark already runs in this process (one per process): stop() it first");
        }
        SparkOptions opts = new SparkOptions();
        opts.master = master;
        opts.conf.addAll(List.of(conf));
        opts.conf.add("spark.hadoop.fs." + MemoryFileSystem.SCHEME + ".impl=" + MemoryFileSystem.class.getName());
        String app = "adjoint (Python)";
        SparkConf sc = opts.sparkConf(app);
        Configuration hadoop = opts.hadoopConf(app);
        MemoryFileSystem.register(hadoop);
        JobContext ctx = opts.context(app);
        current = new PythonSession(new Shared(sc, hadoop, ctx));
        SparkOptions.session = current.shared;
        return current;
    }

    /** The master in use ({@code local[*]} unless chosen). */
    public String master() {
        return shared.context().master();
    }

    /** Whether the master is local: executors are threads of this JVM, so in-memory inputs and results work. */
    public boolean isLocal() {
        return shared.context().isLocal();
    }

    /** Whether Spark itself has started (a job needed Spark tasks). */
    public boolean sparkStarted() {
        return shared.context().started();
    }

    /** Stops Spark if it started; the session ends (a new one may start). */
    @Override
    public void close() {
        synchronized (PythonSession.class) {
            SparkOptions.session = null;
            current = null;
        }
        worker.shutdown();
        shared.context().close();
    }

    /**
     * Runs {@code adjoint ARGS…} in this process on a thread of its own and returns at once; the lines the command
     * writes to stderr arrive in {@link Call#lines}, its stdout in {@link Call#stdout}, its exit code (the CLI's) in
     * {@link Call#exitCode} once {@link Call#waitFor} says it ended.
     */
    public Call run(String[] args) {
        if (args.length == 0 || (!COMMANDS.contains(args[0]) && !args[0].startsWith("-"))) {
            throw new IllegalArgumentException("not a command of the Python API: " + String.join(" ", args));
        }
        Call c = new Call(args);
        worker.execute(() -> {
            Interruption.clearCancel();
            c.startNanos = System.nanoTime();
            try {
                CommandLine one = Main.single(args[0]);
                c.code = one != null
                        ? Main.run(one, args, c.outStream, c.errStream)
                        : Main.run(args, c.outStream, c.errStream);
            } catch (Throwable e) { // Main.run handles every failure; anything else is ours
                c.errStream.println("adjoint " + args[0] + ": internal error: " + Main.oneLine(String.valueOf(e)));
                c.code = Main.INTERNAL;
            } finally {
                c.errStream.flush();
                Interruption.clearCancel();
                c.endNanos = System.nanoTime();
                c.finished.countDown();
            }
        });
        return c;
    }

    /** A command running in this process. */
    public static final class Call {
        private final String[] args;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(new LineSplitter(lines), true, StandardCharsets.UTF_8);
        private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        private volatile int code = -1;
        private volatile boolean cancelled;
        private final long createdNanos = System.nanoTime();
        private volatile long startNanos;
        private volatile long endNanos;

        Call(String[] args) {
            this.args = args.clone();
        }

        /** Waits up to {@code millis}; whether the command has ended. */
        public boolean waitFor(long millis) throws InterruptedException {
            return finished.await(millis, TimeUnit.MILLISECONDS);
        }

        /** The exit code: 0, 1 (gradcheck FAIL), 2 (usage or input error), 3 (internal failure); −1 while running. */
        public int exitCode() {
            return code;
        }

        /** The stderr lines written since the last call (warnings, progress, the closing line, errors). */
        public String[] lines() {
            List<String> got = new ArrayList<>();
            lines.drainTo(got);
            return got.toArray(new String[0]);
        }

        /** Everything written to stdout (grad --print, --version). */
        public String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        /**
         * Ctrl-C: no further task starts, Spark's running jobs are cancelled, the job fails and its outputs are
         * aborted; {@link #waitFor} then returns (a task already running finishes its block first). Idempotent; the
         * Python side repeats it while it waits, so a Spark job submitted just after it is cancelled too.
         */
        public void cancel() {
            cancelled = true;
            Interruption.cancel(); // no task starts; the running Spark step's job group is cancelled
        }

        /** Seconds the command took in the JVM (0 while it runs), and how long it waited to start before. */
        public double[] seconds() {
            return endNanos == 0
                    ? new double[] {0, 0}
                    : new double[] {(endNanos - startNanos) / 1e9, (startNanos - createdNanos) / 1e9};
        }

        /** Whether {@link #cancel} was called. */
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public String toString() {
            return "adjoint " + String.join(" ", args);
        }
    }

    /** Splits what a command prints into lines as they are completed. */
    private static final class LineSplitter extends OutputStream {
        private final LinkedBlockingQueue<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(LinkedBlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void flushLine() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            lines.add(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
        }

        @Override
        public synchronized void close() {
            if (line.size() > 0) {
                flushLine();
            }
        }
    }

    // ---- arrays in and out (adjoint-mem: files) ----

    /**
     * Puts an input at {@code uri}: the {@code .npy} header bytes, then the array's memory ({@code data}, a direct
     * buffer over the caller's array, read when the job reads the input; the caller keeps it unchanged until
     * {@link #delete}).
     */
    public static void put(String uri, byte[] header, ByteBuffer data) throws IOException {
        MemoryFileSystem.put(uri, ByteBuffer.wrap(header), data);
    }

    /** Creates an in-memory folder (for a command that writes one file into an existing folder: contract). */
    public static void mkdirs(String uri) throws IOException {
        MemoryFileSystem.mkdirs(uri);
    }

    /** The names in an in-memory folder (a call's results), sorted. */
    public static String[] list(String uri) {
        return MemoryFileSystem.names(uri).toArray(new String[0]);
    }

    /** An in-memory {@code .npy} result's bytes (header and values): a direct buffer, for the caller to wrap. */
    public static ByteBuffer bytes(String uri) {
        ByteBuffer b = MemoryFileSystem.buffer(uri);
        if (b == null) {
            throw new IllegalArgumentException(uri + ": no in-memory result");
        }
        return b;
    }

    /** The values of an in-memory {@code .npy} result of float64, from byte {@code offset} (its header's length). */
    public static java.nio.DoubleBuffer doubles(String uri, int offset) {
        return bytes(uri)
                .position(offset)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer();
    }

    /** An in-memory CSR result's arrays, or null when {@code uri} holds none. */
    public static MemoryCsrResult.Arrays csr(String uri) {
        return MemoryFileSystem.attachment(uri) instanceof MemoryCsrResult.Arrays a ? a : null;
    }

    /** {@code indptr} or {@code indices} of a CSR result as the int32 or int64 buffer they are. */
    public static java.nio.Buffer csrIndex(MemoryCsrResult.Arrays a, boolean indptr) {
        ByteBuffer b = (indptr ? a.indptr() : a.indices()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return a.indexBytes() == 4 ? b.asIntBuffer() : b.asLongBuffer();
    }

    /** {@code data} of a CSR result. */
    public static java.nio.DoubleBuffer csrData(MemoryCsrResult.Arrays a) {
        return a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    }

    /** Removes {@code uri} and everything under it (a call's inputs and results once Python holds them). */
    public static void delete(String uri) {
        MemoryFileSystem.deleteTree(uri);
    }

    /** Files and folders held in memory: 0 when nothing of any call is left. */
    public static int held() {
        return MemoryFileSystem.size();
    }
}
