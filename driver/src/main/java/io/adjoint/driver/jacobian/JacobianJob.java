package io.adjoint.driver.jacobian;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.CsrOutput;
import io.adjoint.driver.commit.CsrResult;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.Faults;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.job.FolderJob;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.ejml.data.DMatrixRMaj;

/**
 * The full Jacobian of a matrix expression, distributed by adjoint rows: J[i,j,r,s] = ∂out[i,j]/∂X[r,s],
 * shape (p, q, k, l), one {@code NAME.npy} per requested input X, float64, C order.
 *
 * <p>Cost. Driver: one forward pass (every node's value once, in {@link JacobianInputs#prepare}), the structured
 * local Jacobians (about the size of the node values; a dense (n·m)×(k·l) matrix is never formed), one broadcast
 * of them; it never holds a Jacobian. Executors: per task of B rows, one reverse sweep — for matmul and inv a few
 * GEMMs on the whole B-row block, for elementwise ops and reductions O(B·size) copies — with at most
 * B × (peak live adjoint columns) doubles alive; each task writes B·k·l doubles per input to its byte range. No
 * shuffle.
 *
 * <p>Structure. The driver derives each Jacobian's structural pattern from the graph (factored, O(axis sizes) per
 * node) and, where a colouring of its rows at least halves the seeds, the tasks sweep one seed per colour present in
 * their block (blocks hold whole colour runs): for the MLP d/dX, n seeds in all instead of n², each task's sweep
 * ⌈B/q⌉ rows high, then O(B·k·l) to expand into dense rows or O(stored entries) to gather CSR values.
 * {@code --format csr} writes the pattern's entries only; the driver computes indptr from the pattern (O(p·q)) and
 * never reads a value.
 */
public final class JacobianJob {
    private JacobianJob() {}

    /** Summary of a finished job. */
    public record Summary(
            RowBlocks blocks,
            String planReason,
            double seconds,
            double computeSeconds,
            double tasksSeconds,
            long broadcastBytes) {}

    /**
     * The row blocks. Memory per row of a block: the sweep's live adjoints (for compressed inputs scaled by seeds per
     * row, colours / rows: a block of B rows sweeps about B·colours/rows seeds) and the result — k·l per input for
     * a dense result or a row-by-row sweep, the compressed rows (k·l·colours/rows) and the stored entries per row
     * for CSR. Compressed blocks are whole granules of q rows (the colour runs of column-separable patterns).
     */
    /**
     * The job's work for {@link Placement}: one forward pass's flops per sweep seed (p·q
     * seeds when any input is swept row by row, else the most colours), plus one per dense result entry written.
     */
    static double sweepFlops(JacobianInputs in, RowColouring[] seeding) {
        long rows = in.graph.outputShape().size();
        long seeds = 0;
        double entries = 0;
        for (int i = 0; i < in.wrt.size(); i++) {
            seeds = Math.max(seeds, seeding[i] == null ? rows : seeding[i].colours());
            entries += in.request.format == JacobianRequest.Format.CSR
                    ? in.patterns.get(i).nnz()
                    : (double) rows * in.wrtShapes.get(in.wrt.get(i)).size();
        }
        return seeds * in.graph.forwardFlops() + entries;
    }

    static BlockPlanner.Plan plan(JobContext ctx, JacobianInputs in, long tapeBytes, RowColouring[] seeding) {
        long rows = Math.max(1, in.graph.outputShape().size());
        boolean csr = in.request.format == JacobianRequest.Format.CSR;
        long resultCols = 0;
        double seedsPerRow = 0;
        boolean anyDense = false;
        for (int i = 0; i < in.wrt.size(); i++) {
            long size = in.wrtShapes.get(in.wrt.get(i)).size();
            if (seeding[i] != null) {
                double ratio = Math.min(1.0, (double) seeding[i].colours() / rows);
                seedsPerRow = Math.max(seedsPerRow, ratio);
                resultCols += (long) Math.ceil(size * ratio);
            } else {
                anyDense |= in.wrtNodes[i] >= 0;
                if (csr) {
                    resultCols += size; // the dense rows the entries are read from
                }
            }
            resultCols += csr ? (in.patterns.get(i).nnz() + rows - 1) / rows : size;
        }
        long adjoint = sweepColumns(in);
        if (!anyDense && seedsPerRow > 0) {
            adjoint = (long) Math.ceil(adjoint * seedsPerRow) + 1;
        }
        boolean compressed = Arrays.stream(seeding).anyMatch(c -> c != null);
        return BlockPlanner.plan(
                ctx,
                BlockPlanner.Need.rows(in.graph.outputShape().size(), adjoint, resultCols)
                        .broadcast(tapeBytes)
                        .requested(in.request.rowsPerTask)
                        .granule(compressed ? in.graph.outputShape().cols : 1));
    }

    /**
     * Per requested input, the colouring its rows are seeded by, or null for one seed per row: with
     * {@link JacobianRequest.Seeding#AUTO} compressed when the colours are at most half the rows; DENSE never;
     * COMPRESSED whenever the pattern is not full. Driver cost: the colouring of two small factors (one term) or
     * of the explicit pattern (several terms, up to 2^24 non-zeros).
     */
    public static RowColouring[] seeding(JacobianInputs in) {
        RowColouring[] c = new RowColouring[in.wrt.size()];
        long rows = in.graph.outputShape().size();
        for (int i = 0; i < c.length; i++) {
            SparsityPattern p = in.patterns.get(i);
            if (in.wrtNodes[i] < 0 || in.request.seeding == JacobianRequest.Seeding.DENSE || p.isFull()) {
                continue;
            }
            RowColouring rc = RowColouring.of(p);
            if (in.request.seeding == JacobianRequest.Seeding.COMPRESSED || 2L * rc.colours() <= rows) {
                c[i] = rc;
            }
        }
        return c;
    }

    /**
     * With {@link JacobianRequest.Seeding#AUTO}, drops the compression of inputs whose blocks would sweep more than
     * half as many seeds as rows (colours spread over every block, or blocks too small to hold colour runs); returns
     * whether it dropped any. O(p·q) colour look-ups.
     */
    static boolean dropUnpaidCompression(JacobianInputs in, RowColouring[] seeding, RowBlocks blocks) {
        if (in.request.seeding != JacobianRequest.Seeding.AUTO) {
            return false;
        }
        boolean dropped = false;
        for (int i = 0; i < seeding.length; i++) {
            if (seeding[i] == null) {
                continue;
            }
            long seeds = 0;
            for (int b = 0; b < blocks.count(); b++) {
                seeds += CompressedSweep.seeds(seeding[i], blocks.start(b), blocks.end(b));
            }
            if (2 * seeds > blocks.rows()) {
                seeding[i] = null;
                dropped = true;
            }
        }
        return dropped;
    }

    /** One line per input: the pattern's non-zeros, the rows, the colours, and the seeds the blocks sweep. */
    static List<String> describeSeeding(JacobianInputs in, RowColouring[] seeding, RowBlocks blocks) {
        List<String> lines = new ArrayList<>();
        long rows = in.graph.outputShape().size();
        for (int i = 0; i < seeding.length; i++) {
            SparsityPattern p = in.patterns.get(i);
            long entries = rows * in.wrtShapes.get(in.wrt.get(i)).size();
            long nnz = p.isFull() ? entries : p.nnz();
            String head = String.format(
                    Locale.ROOT,
                    "d/d%s: pattern %d non-zeros of %d (%.3g%%), %d rows",
                    in.wrt.get(i),
                    nnz,
                    entries,
                    entries == 0 ? 0.0 : 100.0 * nnz / entries,
                    rows);
            if (seeding[i] == null) {
                lines.add(head + "; one seed per row ("
                        + (in.request.seeding == JacobianRequest.Seeding.DENSE
                                ? "--seeding dense"
                                : p.isFull()
                                        ? "no structure to exploit"
                                        : "too many colours, or seeds over these blocks, to pay")
                        + ")");
                continue;
            }
            long seeds = 0;
            for (int b = 0; b < blocks.count(); b++) {
                seeds += CompressedSweep.seeds(seeding[i], blocks.start(b), blocks.end(b));
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "%s in %d colours; compressed seeding: %d seeds over %d blocks (%.1f× fewer than rows)",
                    head,
                    seeding[i].colours(),
                    seeds,
                    blocks.count(),
                    seeds == 0 ? 0.0 : (double) rows / seeds));
        }
        return lines;
    }

    /**
     * Columns a reverse sweep over the requested inputs holds per row of its block: the live adjoints, plus the
     * batched-GEMM workspace (about two of the widest blocks).
     */
    public static long sweepColumns(JacobianInputs in) {
        Graph g = in.graph;
        int[] used = Arrays.stream(in.wrtNodes).filter(w -> w >= 0).toArray();
        long live = used.length == 0 ? g.outputShape().size() : ReverseSweep.peakLiveColumns(g, used);
        long widest = 0;
        for (Graph.Node n : g.nodes()) {
            widest = Math.max(widest, n.shape.size());
        }
        return live + 2 * widest;
    }

    /**
     * Runs the job: DIR/NAME.npy for each requested input, each committed by rename when all blocks are written.
     * DIR is created when absent and removed again if the job fails.
     *
     * @param log plan and progress lines (stderr in the CLI), or null for silence
     */
    public static Summary run(JavaSparkContext jsc, JacobianInputs in, Consumer<String> log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /** {@link #run(JavaSparkContext, JacobianInputs, Consumer)} in a job context: Spark starts only for Spark tasks. */
    public static Summary run(JobContext ctx, JacobianInputs in, Consumer<String> log) throws IOException {
        if (in.request.outDir == null) {
            throw new InvalidInputException("--out is required to write the Jacobians (toIndexedRowMatrix needs none)");
        }
        Sweep job = new Sweep(in);
        FolderJob.Outcome o = job.run(ctx, log);
        BlockJob.Run r = o.run();
        return new Summary(
                r.blocks(),
                r.planReason(),
                o.seconds(),
                r.computeNanos() / 1e9,
                r.tasksNanos() / 1e9,
                job.planned.broadcastBytes());
    }

    /** The Jacobian job in the {@link FolderJob} template: one file per requested input. */
    private static final class Sweep extends FolderJob {
        private final JacobianInputs in;
        private final boolean csr;
        private RowColouring[] seeding;
        private Planned planned;

        Sweep(JacobianInputs in) {
            super("jacobian", new Target(in.request.outDir, in.request.resume, in.request.rowsPerTask));
            this.in = in;
            this.csr = in.request.format == JacobianRequest.Format.CSR;
        }

        private Shape4 shape(int i) {
            Shape2 out = in.graph.outputShape();
            Shape2 x = in.wrtShapes.get(in.wrt.get(i));
            return new Shape4(out.rows, out.cols, x.rows, x.cols);
        }

        @Override
        protected List<String> warnings() {
            return in.warnings;
        }

        @Override
        protected long resultBytes() {
            long bytes = 0;
            for (int i = 0; i < in.wrt.size(); i++) {
                bytes += csr ? CsrResult.fileSize(in.patterns.get(i)) : NpyWriter.fileSize(shape(i).toArray());
            }
            return bytes;
        }

        @Override
        protected Planned plan(JobContext ctx) {
            seeding = seeding(in);
            Placement where = Placement.decide(ctx, sweepFlops(in, seeding));
            long tapeBytes = where.broadcastBytes(in.tape);
            BlockPlanner.Plan plan = JacobianJob.plan(ctx, in, tapeBytes, seeding);
            if (dropUnpaidCompression(in, seeding, plan.blocks())) {
                // more seeds: the job may have outgrown driver threads
                where = Placement.decide(ctx, sweepFlops(in, seeding));
                tapeBytes = where.broadcastBytes(in.tape);
                plan = JacobianJob.plan(ctx, in, tapeBytes, seeding);
            }
            planned = new Planned(where, plan, tapeBytes);
            return planned;
        }

        @Override
        protected Fingerprint fingerprint(Configuration hconf) throws IOException {
            return Fingerprint.of(hconf, "jacobian", fingerprintArgs(in), fingerprintFiles(in));
        }

        @Override
        protected List<CommitProtocol> outputs(Path dir, Fingerprint fp, Configuration hconf, Planned p)
                throws IOException {
            JacobianRequest req = in.request;
            List<CommitProtocol> outputs = new ArrayList<>();
            for (int i = 0; i < in.wrt.size(); i++) {
                String name = in.wrt.get(i);
                outputs.add(
                        csr
                                ? CommitProtocol.forCsr(
                                        new Path(dir, name + ".npz").toString(),
                                        in.patterns.get(i),
                                        true,
                                        req.forcePartsOutput,
                                        hconf,
                                        fp,
                                        req.resume)
                                : CommitProtocol.forDestination(
                                        new Path(dir, name + ".npy").toString(),
                                        shape(i).toArray(),
                                        true,
                                        req.forcePartsOutput,
                                        hconf,
                                        fp,
                                        req.resume));
            }
            return outputs;
        }

        @Override
        protected List<String> describe(Planned p) {
            List<String> lines = new ArrayList<>();
            lines.add(in.graph.source() + " → " + in.graph.outputShape() + "; d/d " + String.join(", ", in.wrt) + "; "
                    + in.graph.nodes().size() + " nodes; " + BlockPlanner.broadcastNote(p.broadcastBytes()));
            lines.addAll(describeSeeding(in, seeding, p.plan().blocks()));
            return lines;
        }

        @Override
        protected BlockWork work(BlockWork.Frame frame, Configuration hconf) {
            int[] sizes = new int[in.wrt.size()];
            SparsityPattern[] stored = new SparsityPattern[in.wrt.size()];
            for (int i = 0; i < in.wrt.size(); i++) {
                sizes[i] = in.wrtShapes.get(in.wrt.get(i)).size();
                stored[i] = csr ? in.patterns.get(i) : null;
            }
            for (CommitProtocol o : frame.outputs()) {
                if (o instanceof CsrOutput c) {
                    c.planBlocks(frame.blocks());
                }
            }
            return new SweepWork(in.tape, in.wrtNodes, sizes, seeding, stored, frame);
        }

        @Override
        protected String report(BlockJob.Run r, double secs, Path dir) {
            return String.format(
                    Locale.ROOT,
                    "wrote %s in %.2f s (tasks %.2f s, %.2f s of sweep compute summed over tasks)",
                    String.join(
                            ", ",
                            in.wrt.stream()
                                    .map(w -> new Path(dir, w + (csr ? ".npz" : ".npy")).toString())
                                    .toList()),
                    secs,
                    r.tasksNanos() / 1e9,
                    r.computeNanos() / 1e9);
        }
    }

    /** The expression, wrt, and in-memory inputs by shape and checksum (files: {@link #fingerprintFiles}). */
    private static Map<String, String> fingerprintArgs(JacobianInputs in) {
        JacobianRequest req = in.request;
        Map<String, String> args = new TreeMap<>();
        args.put("expr", req.exprText());
        args.put("wrt", String.join(",", new TreeSet<>(in.wrt)));
        args.put("format", req.format.name().toLowerCase(Locale.ROOT));
        req.values.forEach((k, m) -> {
            CRC32C c = new CRC32C();
            for (double d : m.data) {
                long bits = Double.doubleToRawLongBits(d);
                for (int s = 0; s < 64; s += 8) {
                    c.update((int) (bits >>> s));
                }
            }
            args.put(
                    "input " + k,
                    "matrix " + m.numRows + "×" + m.numCols + " crc32c " + Long.toHexString(c.getValue()));
        });
        return args;
    }

    /** Each input file by its name in the expression. */
    private static Map<String, String> fingerprintFiles(JacobianInputs in) {
        Map<String, String> files = new TreeMap<>();
        in.request.inputs.forEach((k, v) -> files.put("input " + k, v));
        return files;
    }

    /**
     * The (p·q) × (k·l) matricization of ∂out/∂{@code wrt} as an MLlib {@link IndexedRowMatrix}, computed lazily
     * by the same distributed sweep, without a file (the request needs no output folder): for users whose next
     * step is MLlib. Row i·q + j holds ∂out[i,j]/∂X flattened row-major. Each partition sweeps one block of rows
     * when evaluated; cache the matrix if it is used more than once. {@code .toBlockMatrix()} gives a BlockMatrix.
     * Cost: the tape is broadcast once per call; evaluating the matrix runs one reverse sweep per block.
     */
    public static IndexedRowMatrix toIndexedRowMatrix(JavaSparkContext jsc, JacobianInputs in, String wrt) {
        int i = in.wrt.indexOf(wrt);
        if (i < 0) {
            throw new IllegalArgumentException(wrt + " was not requested (wrt " + String.join(",", in.wrt) + ")");
        }
        RowColouring[] seeding = {seeding(in)[i]};
        RowBlocks blocks = plan(JobContext.of(jsc), in, Placement.serializedBytes(in.tape), seeding)
                .blocks();
        int size = in.wrtShapes.get(wrt).size();
        SweepWork work = new SweepWork(
                in.tape,
                new int[] {in.wrtNodes[i]},
                new int[] {size},
                seeding,
                new SparsityPattern[1],
                new BlockWork.Frame(blocks, List.of(), new HadoopConf(jsc.hadoopConfiguration()), Faults.NONE));
        Broadcast<SweepWork> bc = jsc.broadcast(work);
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < blocks.count(); b++) {
            ids.add(b);
        }
        JavaRDD<IndexedRow> rows = jsc.parallelize(ids, Math.max(1, ids.size())).flatMap(b -> {
            SweepWork d = bc.value();
            long r0 = d.blocks().start(b);
            long r1 = d.blocks().end(b);
            DMatrixRMaj blk = d.sweep(r0, r1)[0];
            List<IndexedRow> out = new ArrayList<>();
            for (int r = 0; r < r1 - r0; r++) {
                double[] v = new double[blk.numCols];
                System.arraycopy(blk.data, r * blk.numCols, v, 0, blk.numCols);
                out.add(new IndexedRow(r0 + r, Vectors.dense(v)));
            }
            return out.iterator();
        });
        return new IndexedRowMatrix(rows.rdd(), in.graph.outputShape().size(), size);
    }
}
