package io.adjoint.jobs.bench;

import io.adjoint.core.contract.BlockContraction;
import io.adjoint.core.linalg.DenseJacobian;
import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.contract.ContractInputs;
import io.adjoint.driver.contract.ContractJob;
import io.adjoint.driver.contract.ContractRequest;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrices;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.distributed.BlockMatrix;
import org.ejml.data.DMatrixRMaj;
import scala.Tuple2;

/**
 * {@code adjoint bench contract}: the contraction kernel against plain BLAS {@code dgemm} on the same
 * machine in the same run, and the whole {@code contract} job against Spark MLlib
 * {@code BlockMatrix.multiply} on the same operands flattened. Medians of repeated runs; every figure of
 * a row comes from the same process.
 *
 * <p>Longer than our other files on purpose: it is one measurement script read top to bottom — operands, kernel
 * rates, the job, the peer, the check that the peer computed the same product — and splitting it would scatter
 * what a reader must compare side by side.
 */
public final class ContractBenchmark {
    /** Untimed runs of the job and of the peer before the timed ones, so both are measured JIT-warm. */
    static final int WARMUP = 3;

    private ContractBenchmark() {}

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** Runs the benchmark in {@code dir} (removed afterwards) and prints a Markdown table to {@code out}. */
    public static void run(JavaSparkContext jsc, Path dir, int reps, int rowsPerTask, PrintStream out, JobLog log)
            throws IOException {
        Random rng = new Random(42);
        int[][] sizes = {{1024, 1024, 1024}, {4096, 1024, 1024}};
        out.println("BLAS: " + Gemm.implementation() + "; Spark master " + jsc.master() + "; medians of " + reps
                + " runs (the job and its peer after " + WARMUP + " untimed warm-up runs each)");
        out.println();
        out.println(
                "| (p·q, n·m, k·l) | plain dgemm | kernel: GEMM on row blocks | kernel: read rows + GEMM | kernel / dgemm |");
        out.println("|---|---|---|---|---|");
        for (int[] sz : sizes) {
            int m = sz[0];
            int k = sz[1];
            int n = sz[2];
            double flops = 2.0 * m * k * n;
            DMatrixRMaj a = new DMatrixRMaj(m, k);
            DMatrixRMaj j = new DMatrixRMaj(k, n);
            fill(rng, a.data);
            fill(rng, j.data);
            Path ap = dir.resolve("A-" + m + ".npy");
            NpyWriter.write(ap, new long[] {m, 1, k, 1}, a.data);
            JacobianOperand jop = new DenseJacobian(j);
            int b = BlockPlanner.plan(
                            BlockPlanner.Need.rows(m, k, n).broadcast(8L * k * n),
                            new BlockPlanner.Slots(Runtime.getRuntime().maxMemory(), 2, 2))
                    .blocks()
                    .rowsPerBlock();
            RowBlocks blocks = new RowBlocks(m, b);
            List<DMatrixRMaj> aBlocks = new ArrayList<>();
            for (int i = 0; i < blocks.count(); i++) {
                int r0 = (int) blocks.start(i);
                int r1 = (int) blocks.end(i);
                DMatrixRMaj blk = new DMatrixRMaj(r1 - r0, k);
                System.arraycopy(a.data, r0 * k, blk.data, 0, (r1 - r0) * k);
                aBlocks.add(blk);
            }
            DMatrixRMaj c = new DMatrixRMaj(m, n);
            DMatrixRMaj cb = new DMatrixRMaj(b, n);
            double[] tDgemm = new double[reps];
            double[] tGemm = new double[reps];
            double[] tTask = new double[reps];
            // warm-up
            Gemm.mult(1, a, j, 0, c);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                Gemm.mult(1, a, j, 0, c);
                tDgemm[r] = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                for (DMatrixRMaj blk : aBlocks) {
                    cb.reshape(blk.numRows, n);
                    jop.multiply(blk, 0, cb);
                }
                tGemm[r] = (System.nanoTime() - t0) / 1e9;
                try (ByteSource src = new FileByteSource(ap)) {
                    NpyHeader h = NpyHeader.read(src);
                    DMatrixRMaj scratch = new DMatrixRMaj(1, 1);
                    t0 = System.nanoTime();
                    for (int i = 0; i < blocks.count(); i++) {
                        BlockContraction.compute(
                                List.of(src), List.of(h), List.of(jop), blocks.start(i), blocks.end(i), scratch, cb);
                    }
                    tTask[r] = (System.nanoTime() - t0) / 1e9;
                }
            }
            double gD = flops / median(tDgemm) / 1e9;
            double gG = flops / median(tGemm) / 1e9;
            double gT = flops / median(tTask) / 1e9;
            out.println(String.format(
                    Locale.ROOT,
                    "| (%d, %d, %d), B=%d | %.1f GFLOP/s | %.1f GFLOP/s | %.1f GFLOP/s | %.0f%% / %.0f%% |",
                    m,
                    k,
                    n,
                    b,
                    gD,
                    gG,
                    gT,
                    100 * gG / gD,
                    100 * gT / gD));
        }
        out.println();
        jobVersusBlockMatrix(jsc, dir, reps, rowsPerTask, rng, out, log);
    }

    private static void fill(Random rng, double[] d) {
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
    }

    private static void jobVersusBlockMatrix(
            JavaSparkContext jsc, Path dir, int reps, int rowsPerTask, Random rng, PrintStream out, JobLog log)
            throws IOException {
        int p = 64, q = 64, n = 32, mm = 32, k = 32, l = 32;
        int rows = p * q, inner = n * mm, cols = k * l;
        double[] a = new double[rows * inner];
        double[] j = new double[inner * cols];
        fill(rng, a);
        fill(rng, j);
        Path ap = dir.resolve("A.npy");
        Path jp = dir.resolve("J.npy");
        Path gp = dir.resolve("G.npy");
        NpyWriter.write(ap, new long[] {p, q, n, mm}, a);
        NpyWriter.write(jp, new long[] {n, mm, k, l}, j);
        double[] tJob = new double[reps];
        double[] tCompute = new double[reps];
        double[] tPeer = new double[reps];
        double[] tPeerFile = new double[reps];
        ContractJob.Summary last = null;
        for (int r = -WARMUP; r < reps; r++) { // negative r: warm-up runs of both (JIT), not timed
            ContractRequest req = new ContractRequest();
            req.adjoints.add(ap.toString());
            req.jacobians.add(jp.toString());
            req.out = gp.toString();
            req.overwrite = true;
            req.rowsPerTask = rowsPerTask > 0 ? rowsPerTask : null;
            long t0 = System.nanoTime();
            String[] phases = new String[1];
            ContractJob.Summary s =
                    ContractJob.run(jsc, ContractInputs.prepare(req, jsc.hadoopConfiguration()), line -> {
                        if (line.startsWith("contract: wrote")) {
                            phases[0] = line;
                        }
                    });
            if (log != null && r >= 0) {
                log.accept("bench: run " + (r + 1) + ": " + phases[0]);
            }
            double tj = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            BlockMatrix product = blockMatrixProduct(jsc, ap, jp, rows, inner, cols);
            long peerBlocks = product.blocks().count();
            double tp = (System.nanoTime() - t0) / 1e9;
            if (peerBlocks != (long) (rows / 1024) * (cols / 1024)) {
                throw new IllegalStateException("BlockMatrix produced " + peerBlocks + " blocks");
            }
            // the same deliverable as ours: G as a .npy file (BlockMatrix → local matrix → row-major file)
            t0 = System.nanoTime();
            Matrix local = blockMatrixProduct(jsc, ap, jp, rows, inner, cols).toLocalMatrix();
            double[] rowMajor = new double[rows * cols];
            for (int x = 0; x < rows; x++) {
                for (int y = 0; y < cols; y++) {
                    rowMajor[x * cols + y] = local.apply(x, y);
                }
            }
            NpyWriter.write(dir.resolve("G-peer.npy"), new long[] {p, q, k, l}, rowMajor);
            double tpFile = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
                tJob[r] = tj;
                tCompute[r] = s.computeSeconds();
                tPeer[r] = tp;
                tPeerFile[r] = tpFile;
            } else if (r == -1) {
                checkPeerAgrees(product.blocks().toJavaRDD().collect(), gp, cols);
            }
            last = s;
        }
        double gflop = 2.0 * rows * inner * cols / 1e9;
        out.println(String.format(
                Locale.ROOT,
                "| whole job, (p·q, n·m, k·l) = (%d, %d, %d) on %s | time | GFLOP/s |",
                rows,
                inner,
                cols,
                jsc.master()));
        out.println("|---|---|---|");
        out.println(String.format(
                Locale.ROOT,
                "| adjoint contract (read A from .npy, broadcast J, %d tasks, commit G.npy) | %.2f s | %.1f |",
                last.blocks().count(),
                median(tJob),
                gflop / median(tJob)));
        out.println(String.format(
                Locale.ROOT,
                "| MLlib BlockMatrix.multiply, result blocks computed and counted (not written) | %.2f s | %.1f |",
                median(tPeer),
                gflop / median(tPeer)));
        out.println(String.format(
                Locale.ROOT,
                "| MLlib BlockMatrix.multiply, result written to .npy (toLocalMatrix) | %.2f s | %.1f |",
                median(tPeerFile),
                gflop / median(tPeerFile)));
        out.println(String.format(
                Locale.ROOT,
                "| speed-up of adjoint: vs counted / vs written to .npy | %.1f× / %.1f× | |",
                median(tPeer) / median(tJob),
                median(tPeerFile) / median(tJob)));
        out.println(String.format(
                Locale.ROOT, "| (task compute inside the job, summed over tasks) | %.2f s | |", median(tCompute)));
        if (log != null) {
            log.accept("bench: " + last.planReason());
        }
        Files.deleteIfExists(gp);
        Files.deleteIfExists(dir.resolve("G-peer.npy"));
    }

    /**
     * MLlib's distributed product of the same operands: the driver reads both .npy files, cuts them into
     * 1024×1024 column-major blocks, and BlockMatrix multiplies them (lazily: the caller forces it).
     */
    private static BlockMatrix blockMatrixProduct(JavaSparkContext jsc, Path ap, Path jp, int rows, int inner, int cols)
            throws IOException {
        int bs = 1024;
        BlockMatrix a = toBlockMatrix(jsc, read(ap), rows, inner, bs);
        BlockMatrix j = toBlockMatrix(jsc, read(jp), inner, cols, bs);
        return a.multiply(j);
    }

    private static double[] read(Path p) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            return NpyReader.readAll(src, NpyHeader.read(src), 2).data;
        }
    }

    private static BlockMatrix toBlockMatrix(JavaSparkContext jsc, double[] rowMajor, int rows, int cols, int bs) {
        List<Tuple2<Tuple2<Object, Object>, Matrix>> blocks = new ArrayList<>();
        for (int bi = 0; bi * bs < rows; bi++) {
            for (int bj = 0; bj * bs < cols; bj++) {
                int r = Math.min(bs, rows - bi * bs);
                int c = Math.min(bs, cols - bj * bs);
                blocks.add(new Tuple2<>(
                        new Tuple2<>(bi, bj), columnMajorBlock(rowMajor, cols, (long) bi * bs, r, bj * bs, c)));
            }
        }
        JavaRDD<Tuple2<Tuple2<Object, Object>, Matrix>> rdd = jsc.parallelize(blocks, blocks.size());
        return new BlockMatrix(rdd.rdd(), bs, bs, rows, cols);
    }

    /** Rows [r0, r0 + r) × columns [c0, c0 + c) of a row-major array with {@code cols} columns, as MLlib's matrix. */
    static Matrix columnMajorBlock(double[] rowMajor, long cols, long r0, int r, int c0, int c) {
        double[] colMajor = new double[r * c];
        for (int x = 0; x < r; x++) {
            for (int y = 0; y < c; y++) {
                colMajor[y * r + x] = rowMajor[(int) ((r0 + x) * cols + c0 + y)];
            }
        }
        return Matrices.dense(r, c, colMajor);
    }

    /** The peer must compute the same product, or the comparison is meaningless. */
    private static void checkPeerAgrees(List<Tuple2<Tuple2<Object, Object>, Matrix>> blocks, Path gp, int cols)
            throws IOException {
        double[] g = read(gp);
        double maxErr = 0;
        double scale = 0;
        for (Tuple2<Tuple2<Object, Object>, Matrix> t : blocks) {
            int bi = (Integer) t._1()._1();
            int bj = (Integer) t._1()._2();
            Matrix m = t._2();
            for (int x = 0; x < m.numRows(); x++) {
                for (int y = 0; y < m.numCols(); y++) {
                    double want = g[(bi * 1024 + x) * cols + bj * 1024 + y];
                    maxErr = Math.max(maxErr, Math.abs(m.apply(x, y) - want));
                    scale = Math.max(scale, Math.abs(want));
                }
            }
        }
        if (!(maxErr <= 1e-10 * scale)) {
            throw new IllegalStateException("BlockMatrix result differs from ours: max error " + maxErr);
        }
    }
}
