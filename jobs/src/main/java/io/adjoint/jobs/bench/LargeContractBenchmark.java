package io.adjoint.jobs.bench;

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
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.HadoopConf;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.distributed.BlockMatrix;
import org.ejml.data.DMatrixRMaj;
import scala.Tuple2;

/**
 * {@code adjoint bench contract-large}: {@code contract} with a Jacobian larger than the broadcast budget (the
 * streamed plan its cost model picks) against MLlib {@code BlockMatrix.multiply} on the same stored operands, in one
 * process, one run each (the sizes make repetitions cost minutes). Both read A and J from the same {@code .npy}
 * files on the executors; ours commits G as a {@code .npy}, the peer's result blocks are only computed and counted
 * (not written). Three result blocks of the peer are compared with ours (relative 1e-10) so both computed the same
 * product.
 */
public final class LargeContractBenchmark {
    static final int BLOCK = 1024;

    private LargeContractBenchmark() {}

    /** The product's sizes: G = A·J of (P×N)(N×K). */
    public record Product(long p, long n, long k) {}

    /**
     * Runs with G = A·J of {@code shape} (P×N)(N×K), inputs made (once, kept) in {@code dir} as A (P,1,N,1) and J (N,1,K,1).
     *
     * @param budget the broadcast budget given to ours
     */
    public static void run(JavaSparkContext jsc, Path dir, Product shape, long budget, PrintStream out, JobLog log)
            throws IOException {
        long p = shape.p();
        long n = shape.n();
        long k = shape.k();
        Path ap = dir.resolve("A-" + p + "x" + n + ".npy");
        Path jp = dir.resolve("J-" + n + "x" + k + ".npy");
        Path gp = dir.resolve("G.npy");
        make(ap, new long[] {p, 1, n, 1}, 1);
        make(jp, new long[] {n, 1, k, 1}, 2);
        ContractRequest req = new ContractRequest();
        req.adjoints.add(ap.toString());
        req.jacobians.add(jp.toString());
        req.out = gp.toString();
        req.overwrite = true;
        req.broadcastBudget = budget;
        String[] lines = new String[2];
        long t0 = System.nanoTime();
        ContractJob.Summary s = ContractJob.run(jsc, ContractInputs.prepare(req, jsc.hadoopConfiguration()), line -> {
            if (line.startsWith("contract: plan")) {
                lines[0] = line;
            } else if (line.startsWith("contract: wrote")) {
                lines[1] = line;
            }
            if (log != null) {
                log.accept(line);
            }
        });
        double ours = (System.nanoTime() - t0) / 1e9;

        t0 = System.nanoTime();
        BlockMatrix a = blocksFromFile(jsc, ap, p, n);
        BlockMatrix j = blocksFromFile(jsc, jp, n, k);
        BlockMatrix product = a.multiply(j);
        long count = product.blocks().count();
        double peer = (System.nanoTime() - t0) / 1e9;
        if (count != ceil(p, BLOCK) * ceil(k, BLOCK)) {
            throw new IllegalStateException("BlockMatrix produced " + count + " blocks");
        }
        double maxRel = compare(product, gp, p, k);

        double gflop = 2.0 * p * n * k / 1e9;
        out.println(String.format(
                Locale.ROOT,
                "| (p·q, n·m, k·l) = (%d, %d, %d): A %s, J %s, G %s; broadcast budget %s; %s | time | GFLOP/s |",
                p,
                n,
                k,
                BlockPlanner.human(8 * p * n),
                BlockPlanner.human(8 * n * k),
                BlockPlanner.human(8 * p * k),
                BlockPlanner.human(budget),
                jsc.master()));
        out.println("|---|---|---|");
        out.println(String.format(
                Locale.ROOT,
                "| adjoint contract, %s plan (%d tasks; reads A and J from .npy, commits G.npy) | %.1f s | %.1f |",
                s.plan().name().toLowerCase(Locale.ROOT),
                s.blocks().count(),
                ours,
                gflop / ours));
        out.println(String.format(
                Locale.ROOT,
                "| MLlib BlockMatrix.multiply (%d-blocks read from the same .npy by executors; result counted, not"
                        + " written) | %.1f s | %.1f |",
                BLOCK,
                peer,
                gflop / peer));
        out.println(String.format(Locale.ROOT, "| speed-up of adjoint | %.1f× | |", peer / ours));
        out.println();
        out.println("Same product: the first, a middle and the last result block of BlockMatrix vs ours, max relative"
                + " difference "
                + String.format(Locale.ROOT, "%.1e", maxRel) + ".");
        out.println(lines[0]);
        out.println(lines[1]);
        Files.deleteIfExists(gp);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Writes a float64 C-order .npy of {@code shape} with uniform values in [-1, 1), unless it is already there. */
    static void make(Path p, long[] shape, long seed) throws IOException {
        if (Files.exists(p) && Files.size(p) == NpyWriter.fileSize(shape)) {
            return;
        }
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] chunk = new double[1 << 17];
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(p), 1 << 20)) {
            o.write(NpyWriter.header(shape));
            for (long done = 0; done < total; done += chunk.length) {
                int m = (int) Math.min(chunk.length, total - done);
                for (int i = 0; i < m; i++) {
                    chunk[i] = 2 * rng.nextDouble() - 1;
                }
                NpyWriter.writeTo(o, chunk, 0, m);
            }
        }
    }

    /**
     * The stored matrix (rows × cols, row-major) as a BlockMatrix of {@value #BLOCK}² column-major blocks, each strip
     * of block rows read by one task straight from the file.
     */
    static BlockMatrix blocksFromFile(JavaSparkContext jsc, Path file, long rows, long cols) {
        List<Integer> strips = new ArrayList<>();
        for (int s = 0; s < ceil(rows, BLOCK); s++) {
            strips.add(s);
        }
        String uri = file.toUri().toString();
        HadoopConf conf = new HadoopConf(jsc.hadoopConfiguration());
        JavaRDD<Tuple2<Tuple2<Object, Object>, Matrix>> blocks =
                jsc.parallelize(strips, strips.size()).flatMap(new StripBlocks(uri, conf, rows, cols));
        return new BlockMatrix(blocks.rdd(), BLOCK, BLOCK, rows, cols);
    }

    /**
     * One strip of {@value #BLOCK} rows read from the file, cut into column-major blocks. A named class, not a
     * lambda: executors of a standalone cluster load the application jar in a child class loader, where Java's
     * serialized lambdas fail to resolve.
     */
    private static final class StripBlocks implements FlatMapFunction<Integer, Tuple2<Tuple2<Object, Object>, Matrix>> {
        private static final long serialVersionUID = 1L;
        private final String uri;
        private final HadoopConf conf;
        private final long rows;
        private final long cols;

        StripBlocks(String uri, HadoopConf conf, long rows, long cols) {
            this.uri = uri;
            this.conf = conf;
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public Iterator<Tuple2<Tuple2<Object, Object>, Matrix>> call(Integer s) throws IOException {
            List<Tuple2<Tuple2<Object, Object>, Matrix>> outBlocks = new ArrayList<>();
            try (ByteSource src = HadoopByteSource.open(uri, conf.get())) {
                NpyHeader h = NpyHeader.read(src);
                long r0 = (long) s * BLOCK;
                long r1 = Math.min(rows, r0 + BLOCK);
                DMatrixRMaj strip = NpyReader.readRows(src, h, 2, r0, r1, null);
                int r = (int) (r1 - r0);
                for (int bj = 0; (long) bj * BLOCK < cols; bj++) {
                    int c0 = bj * BLOCK;
                    int c = (int) Math.min(BLOCK, cols - c0);
                    outBlocks.add(new Tuple2<>(
                            new Tuple2<>(s, bj), ContractBenchmark.columnMajorBlock(strip.data, cols, 0, r, c0, c)));
                }
            }
            return outBlocks.iterator();
        }
    }

    /** Keeps the result blocks whose "row,col" index is in a set. A named class for the reason above. */
    private static final class Picked implements Function<Tuple2<Tuple2<Object, Object>, Matrix>, Boolean> {
        private static final long serialVersionUID = 1L;
        private final Set<String> keys;

        Picked(Set<String> keys) {
            this.keys = keys;
        }

        @Override
        public Boolean call(Tuple2<Tuple2<Object, Object>, Matrix> t) {
            return keys.contains(t._1()._1() + "," + t._1()._2());
        }
    }

    /** Max relative difference between three of the peer's result blocks and the same entries of our G file. */
    static double compare(BlockMatrix product, Path gp, long p, long k) throws IOException {
        long bi = ceil(p, BLOCK) - 1;
        long bj = ceil(k, BLOCK) - 1;
        // the first, a middle and the last block (fewer when the grid is small)
        Set<String> want = new java.util.HashSet<>(List.of("0,0", (bi / 2) + "," + (bj / 2), bi + "," + bj));
        List<Tuple2<Tuple2<Object, Object>, Matrix>> picked =
                product.blocks().toJavaRDD().filter(new Picked(want)).collect();
        if (picked.size() != want.size()) {
            throw new IllegalStateException("expected " + want.size() + " blocks to compare, got " + picked.size());
        }
        double maxErr = 0;
        double scale = 0;
        try (FileByteSource src = new FileByteSource(gp)) {
            NpyHeader h = NpyHeader.read(src);
            for (Tuple2<Tuple2<Object, Object>, Matrix> t : picked) {
                int r = (Integer) t._1()._1();
                int c = (Integer) t._1()._2();
                Matrix m = t._2();
                DMatrixRMaj rows =
                        NpyReader.readRows(src, h, 2, (long) r * BLOCK, (long) r * BLOCK + m.numRows(), null);
                for (int x = 0; x < m.numRows(); x++) {
                    for (int y = 0; y < m.numCols(); y++) {
                        double g = rows.get(x, c * BLOCK + y);
                        maxErr = Math.max(maxErr, Math.abs(m.apply(x, y) - g));
                        scale = Math.max(scale, Math.abs(g));
                    }
                }
            }
        }
        double rel = maxErr / Math.max(scale, Double.MIN_NORMAL);
        if (!(rel <= 1e-10)) {
            throw new IllegalStateException("BlockMatrix result differs from ours: max relative error " + rel);
        }
        return rel;
    }
}
