package io.adjoint.jobs.bench;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.storage.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code adjoint bench jacobian}: f(X) = tanh(W2 @ tanh(W1 @ X + b1) + b2), every matrix n×n, Jacobian with
 * respect to X (n, n, n, n). The structured job against the same job with dense explicit local Jacobians
 * (the naive flatten-everything method: every edge on the path to X as a dense (n²)×(n²) matrix, contracted
 * by dgemm), same Spark master, same I/O. Peak heap is sampled every 2 ms (used heap, so an upper bound).
 */
public final class JacobianBenchmark {
    private JacobianBenchmark() {}

    static final String EXPR = "tanh(W2 @ tanh(W1 @ X + b1) + b2)";

    /** Result of one timed run. */
    static final class Run {
        double seconds;
        double tasksSeconds;
        double computeSeconds;
        long peakHeap;
    }

    public static void run(
            JavaSparkContext jsc, Path dir, int[] sizes, int denseMax, int reps, PrintStream out, JobLog log)
            throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        out.println(String.format(
                Locale.ROOT,
                "f(X) = %s, all n×n, d/dX; Spark %s; driver heap %s; medians of %d" + " (n ≥ 96: 1 run)",
                EXPR,
                jsc.master(),
                BlockPlanner.mib(maxHeap),
                reps));
        out.println();
        out.println("| n | result | structured: to committed result | tasks | sweep compute (Σ tasks) | peak heap"
                + " | dense-explicit: to result | peak heap | speed-up |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            Path d = Files.createDirectories(dir.resolve("n" + n));
            Random rng = new Random(n);
            JacobianRequest req = new JacobianRequest();
            req.expr = EXPR;
            writeInputs(d, n, rng, req.inputs, null);
            req.wrt.add("X");
            req.outDir = d.resolve("structured").toString();
            req.overwrite = true;
            int r = n >= 96 ? 1 : reps;
            Run[] runs = new Run[r];
            for (int i = 0; i < r; i++) {
                runs[i] = timed(() -> JacobianJob.run(
                        jsc, JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard()), log));
            }
            Run s = median(runs);
            String dense = "not run (dense local Jacobians: "
                    + String.format(Locale.ROOT, "%.1f GiB", 6.0 * n * n * n * n * 8 / (1L << 30)) + ")";
            String denseHeap = "";
            String speedup = "";
            if (n <= denseMax) {
                JacobianRequest dreq = copy(req, d.resolve("dense").toString());
                Run[] druns = new Run[Math.min(r, 2)];
                for (int i = 0; i < druns.length; i++) {
                    druns[i] = timed(() -> JacobianJob.run(
                            jsc,
                            JacobianInputs.prepare(dreq, jsc.hadoopConfiguration(), Functions.standard())
                                    .withDenseLocalJacobians(),
                            log));
                }
                Run dr = median(druns);
                double diff = maxRelDiff(d.resolve("structured/X.npy"), d.resolve("dense/X.npy"));
                if (!(diff < 1e-9)) {
                    throw new IllegalStateException("dense and structured Jacobians differ: " + diff);
                }
                dense = String.format(Locale.ROOT, "%.2f s", dr.seconds);
                denseHeap = BlockPlanner.mib(dr.peakHeap);
                speedup = String.format(Locale.ROOT, "%.0f×", dr.seconds / s.seconds);
            }
            out.println(String.format(
                    Locale.ROOT,
                    "| %d | %s | %.2f s | %.2f s | %.2f s | %s | %s | %s | %s |",
                    n,
                    BlockPlanner.human(8L * n * n * n * n),
                    s.seconds,
                    s.tasksSeconds,
                    s.computeSeconds,
                    BlockPlanner.mib(s.peakHeap),
                    dense,
                    denseHeap,
                    speedup));
            FileTrees.delete(d);
        }
    }

    /**
     * Writes the benchmark's n×n inputs W1, W2, X, b1, b2 (W scaled by 1/√n) to {@code dir}, recording
     * name → path in {@code paths} and, when {@code values} is not null, name → matrix.
     */
    static void writeInputs(Path dir, int n, Random rng, Map<String, String> paths, Map<String, DMatrixRMaj> values)
            throws IOException {
        for (String name : new String[] {"W1", "W2", "X", "b1", "b2"}) {
            double[] v = new double[n * n];
            double scale = name.startsWith("W") ? 1.0 / Math.sqrt(n) : 1.0;
            for (int i = 0; i < v.length; i++) {
                v[i] = scale * rng.nextGaussian();
            }
            Path p = dir.resolve(name + ".npy");
            NpyWriter.write(p, new long[] {n, n}, v);
            paths.put(name, p.toString());
            if (values != null) {
                values.put(name, DMatrixRMaj.wrap(n, n, v));
            }
        }
    }

    interface Job {
        JacobianJob.Summary run() throws IOException;
    }

    static Run timed(Job job) throws IOException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        AtomicLong peak = new AtomicLong(mem.getHeapMemoryUsage().getUsed());
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = new Thread(
                () -> {
                    while (!stop.get()) {
                        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        JacobianJob.Summary s;
        try {
            s = job.run();
        } finally {
            stop.set(true);
        }
        Run r = new Run();
        r.seconds = (System.nanoTime() - t0) / 1e9;
        r.tasksSeconds = s.tasksSeconds();
        r.computeSeconds = s.computeSeconds();
        r.peakHeap = peak.get();
        return r;
    }

    static Run median(Run[] runs) {
        Run[] s = runs.clone();
        Arrays.sort(s, (a, b) -> Double.compare(a.seconds, b.seconds));
        return s[s.length / 2];
    }

    static JacobianRequest copy(JacobianRequest req, String outDir) {
        JacobianRequest c = new JacobianRequest();
        c.expr = req.expr;
        c.inputs.putAll(req.inputs);
        c.wrt.addAll(req.wrt);
        c.outDir = outDir;
        c.overwrite = true;
        return c;
    }

    /** Largest |a − b| / max|b|, streaming both files block by block. */
    static double maxRelDiff(Path a, Path b) throws IOException {
        try (FileByteSource sa = new FileByteSource(a);
                FileByteSource sb = new FileByteSource(b)) {
            NpyHeader ha = NpyHeader.read(sa);
            NpyHeader hb = NpyHeader.read(sb);
            long rows = NpyReader.rows(ha, 2);
            double err = 0;
            double scale = 1e-300;
            DMatrixRMaj x = null;
            DMatrixRMaj y = null;
            for (long r0 = 0; r0 < rows; r0 += 256) {
                long r1 = Math.min(rows, r0 + 256);
                x = NpyReader.readRows(sa, ha, 2, r0, r1, x);
                y = NpyReader.readRows(sb, hb, 2, r0, r1, y);
                for (int i = 0; i < x.getNumElements(); i++) {
                    err = Math.max(err, Math.abs(x.data[i] - y.data[i]));
                    scale = Math.max(scale, Math.abs(y.data[i]));
                }
            }
            return err / scale;
        }
    }
}
