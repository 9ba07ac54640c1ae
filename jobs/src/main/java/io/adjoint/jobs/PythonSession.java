package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.commit.MemoryCsrResult;
import io.adjoint.driver.exec.Interruption;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.products.ProductJob;
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
import org.ejml.data.DMatrixRMaj;
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
        submit(c, () -> {
            CommandLine one = Main.single(args[0]);
            return one != null
                    ? Main.run(one, args, c.outStream, c.errStream)
                    : Main.run(args, c.outStream, c.errStream);
        });
        return c;
    }

    /** The call running on the session's thread, or null: the one a {@link Call#cancel} may stop. */
    private static volatile Call running;

    /** What a call runs on the session's thread; returns the exit code. */
    @FunctionalInterface
    private interface Body {
        int run() throws Exception;
    }

    /** Runs {@code body} for {@code c} on the session's thread, its bookkeeping once: cancel flag, times, the end. */
    private void submit(Call c, Body body) {
        worker.execute(() -> {
            Interruption.clearCancel();
            c.startNanos = System.nanoTime();
            running = c;
            try {
                if (c.cancelled) { // cancelled while it waited its turn: it never starts
                    c.code = Main.INTERRUPTED;
                    return;
                }
                c.code = body.run();
            } catch (Throwable e) { // Main.run handles every failure of a command; anything else is ours
                c.errStream.println("adjoint " + c.args[0] + ": internal error: " + Main.oneLine(String.valueOf(e)));
                c.code = Main.INTERNAL;
            } finally {
                running = null;
                c.errStream.flush();
                Interruption.clearCancel();
                c.endNanos = System.nanoTime();
                c.finished.countDown();
            }
        });
    }

    /**
     * VJPs or JVPs of arrays held by the caller, without the command line and without files: the {@code vjp} or
     * {@code jvp} job's own preparation ({@link JacobianInputs#prepare}), plan ({@link ProductJob#planned}: the same
     * blocks, so the same bits) and sweeps ({@link ProductJob#vjp}, {@link ProductJob#jvp}), minus what only files
     * need (destination, claim, fingerprint, commit) — a small product costs a fraction of a millisecond, not the
     * command's ≈ 2 ms. {@code inputs}: the expression's inputs (read once into the job's matrices); {@code seeds}:
     * the cotangent (VJP; shape (p, q) or (N, p, q)) or one tangent per {@code wrt} name, in that order (JVP). The call's {@link Call#exitCode} is 0 with results to {@link Call#copyInto} (VJP: one
     * per wrt, N × size(x); JVP: N × p·q), or 2 when anything is refused — the caller then runs the command, whose message is
     * the CLI's.
     */
    public Call products(boolean vjp, String expr, Arrays inputs, String[] wrt, Arrays seeds) {
        String command = vjp ? "vjp" : "jvp";
        Call c = new Call(new String[] {command});
        submit(c, () -> {
            try {
                c.results = inMemoryProducts(vjp, expr, inputs, wrt, seeds, c);
                return c.results == null ? Main.USAGE : 0;
            } catch (InvalidInputException e) {
                return Main.USAGE; // the command says it as the CLI does
            } catch (RuntimeException | IOException e) {
                if (Interruption.cancelled()) {
                    return Main.INTERRUPTED;
                }
                throw e;
            }
        });
        return c;
    }

    /**
     * Named float64 arrays of the caller: {@code values[i]} (a direct buffer over its memory) of shape
     * {@code shapes[i]}.
     */
    public static final class Arrays {
        final String[] names;
        final java.nio.DoubleBuffer[] values;
        final int[][] shapes;

        public Arrays(String[] names, java.nio.DoubleBuffer[] values, int[][] shapes) {
            if (names.length != values.length || names.length != shapes.length) {
                throw new IllegalArgumentException("names, values and shapes differ in number");
            }
            this.names = names.clone();
            this.values = values.clone();
            this.shapes = shapes.clone();
        }
    }

    private DMatrixRMaj[] inMemoryProducts(
            boolean vjp, String expr, Arrays inputs, String[] wrt, Arrays seedArrays, Call c) throws IOException {
        JacobianRequest req = new JacobianRequest().expr(expr);
        for (int i = 0; i < inputs.names.length; i++) {
            int[] s = inputs.shapes[i];
            req.input(inputs.names[i], matrix(inputs.values[i], s[0], s[1]));
        }
        java.nio.DoubleBuffer[] seeds = seedArrays.values;
        int[][] seedShapes = seedArrays.shapes;
        req.wrt(wrt);
        JacobianInputs in = JacobianInputs.prepare(req, shared.hadoop(), Functions.standard());
        // the seeds: (rows, cols) of the output (VJP) or of each tangent's input (JVP), or N of them
        long n = -1;
        DMatrixRMaj[] rows = new DMatrixRMaj[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            Shape2 want = vjp ? in.graph.outputShape() : in.wrtShapes.get(wrt[i]);
            int[] s = seedShapes[i];
            boolean batch = s.length == 3;
            if (want == null
                    || (s.length != 2 && !batch)
                    || s[s.length - 2] != want.rows
                    || s[s.length - 1] != want.cols
                    || (i > 0 && (batch ? s[0] : -1) != n)) { // every seed a batch of the same N, or none
                return null;
            }
            n = batch ? s[0] : -1;
            rows[i] = matrix(seeds[i], batch ? s[0] : 1, want.size());
        }
        int count = rows[0].numRows;
        in.warnings.forEach(w -> c.errStream.println((vjp ? "vjp" : "jvp") + ": warning: " + w));
        JobContext ctx = shared.context().borrowed();
        int perTask = ProductJob.planned(ctx, in, count, vjp, null, false)
                .plan()
                .blocks()
                .rowsPerBlock();
        boolean batch = n >= 0;
        if (vjp) {
            java.util.Map<String, DMatrixRMaj> got = ProductJob.vjp(ctx, in, rows[0], perTask);
            DMatrixRMaj[] out = new DMatrixRMaj[wrt.length];
            c.resultShapes = new int[wrt.length][];
            for (int i = 0; i < wrt.length; i++) {
                out[i] = got.get(wrt[i]);
                c.resultShapes[i] = shape(batch, count, in.wrtShapes.get(wrt[i]));
            }
            return out;
        }
        c.resultShapes = new int[][] {shape(batch, count, in.graph.outputShape())};
        java.util.Map<String, DMatrixRMaj> tangents = new java.util.LinkedHashMap<>();
        for (int i = 0; i < wrt.length; i++) {
            tangents.put(wrt[i], rows[i]);
        }
        return new DMatrixRMaj[] {ProductJob.jvp(ctx, in, tangents, perTask)};
    }

    private static int[] shape(boolean batch, int count, Shape2 s) {
        return batch ? new int[] {count, s.rows, s.cols} : new int[] {s.rows, s.cols};
    }

    /** A rows × cols matrix of the caller's values (the one copy). */
    private static DMatrixRMaj matrix(java.nio.DoubleBuffer values, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        if ((long) rows * cols != values.capacity()) {
            throw new InvalidInputException("values of " + values.capacity() + " numbers for " + rows + "×" + cols);
        }
        values.get(0, m.data);
        return m;
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
        /** The in-memory products' results ({@link #products}), N × size each; null otherwise. */
        private volatile DMatrixRMaj[] results;
        /** The shape of each result: (N,) and the input's (VJP) or output's (JVP) shape; no N for a single product. */
        private volatile int[][] resultShapes;

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

        /** How many results {@link PythonSession#products} left (0 for a command, or when it was refused). */
        public int results() {
            return results == null ? 0 : results.length;
        }

        /**
         * Result {@code i} as a new direct buffer (one copy) for the caller to wrap: the cheaper way for small results
         * (one call instead of three); large ones go through {@link #copyInto}.
         */
        public java.nio.DoubleBuffer direct(int i) {
            DMatrixRMaj m = results[i];
            java.nio.DoubleBuffer d = ByteBuffer.allocateDirect(m.getNumElements() * 8)
                    .order(ByteOrder.nativeOrder())
                    .asDoubleBuffer();
            d.put(0, m.data, 0, m.getNumElements());
            return d;
        }

        /**
         * Copies result {@code i} into {@code into} (a direct buffer over the caller's array of {@link #resultShapes}
         * [i]) — the one copy out. The caller allocates: a direct buffer new to this JVM costs its pages' first
         * touch (≈ 22 ms for 8 MiB here), while NumPy's allocator reuses memory it has touched before.
         */
        public void copyInto(int i, java.nio.DoubleBuffer into) {
            DMatrixRMaj m = results[i];
            if (into.capacity() != m.getNumElements()) {
                throw new IllegalArgumentException(
                        "result " + i + " has " + m.getNumElements() + " values, the buffer " + into.capacity());
            }
            into.put(0, m.data, 0, m.getNumElements());
        }

        /** The shapes of {@link #results}. */
        public int[][] resultShapes() {
            return resultShapes;
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
            if (running == this) { // not another thread's call, nor the next one after this has ended
                Interruption.cancel(); // no task starts; the running Spark step's job group is cancelled
            }
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
