package io.adjoint.driver.jacobian;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.CsrOutput;
import io.adjoint.driver.commit.CsrResult;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.job.FolderJob;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;

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
     * Runs the job: DIR/NAME.npy for each requested input, each committed by rename when all blocks are written.
     * DIR is created when absent and removed again if the job fails.
     *
     * @param log plan and progress lines (stderr in the CLI), or null for silence
     */
    public static Summary run(JavaSparkContext jsc, JacobianInputs in, JobLog log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /** {@link #run(JavaSparkContext, JacobianInputs, JobLog)} in a job context: Spark starts only for Spark tasks. */
    public static Summary run(JobContext ctx, JacobianInputs in, JobLog log) throws IOException {
        if (in.request.outDir == null) {
            throw new InvalidInputException("--out is required to write the Jacobians (toIndexedRowMatrix needs none)");
        }
        FolderJob.Outcome o = new Sweep(in).run(ctx, log);
        BlockJob.Run r = o.run();
        return new Summary(
                r.blocks(),
                r.planReason(),
                o.seconds(),
                r.computeNanos() / 1e9,
                r.tasksNanos() / 1e9,
                o.planned().broadcastBytes());
    }

    /** The Jacobian job in the {@link FolderJob} template: one file per requested input. */
    private static final class Sweep extends FolderJob {
        private final JacobianInputs in;
        private RowColouring[] seeding;
        private StarSeeding stars;
        private JobContext ctx;

        Sweep(JacobianInputs in) {
            super(in.request.command, new Target(in.request.outDir, in.request.resume, in.request.rowsPerTask));
            this.in = in;
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
                bytes += in.csr(i) ? CsrResult.fileSize(in.patterns.get(i)) : NpyWriter.fileSize(shape(i).toArray());
            }
            return bytes;
        }

        @Override
        protected Planned plan(JobContext ctx) {
            this.ctx = ctx;
            RowColouring[] colourings = Seeding.colourings(in);
            seeding = Seeding.paid(in, colourings);
            stars = StarSeeding.of(in, colourings);
            Placement where = Placement.decide(ctx, Seeding.sweepFlops(in, seeding, stars));
            long tapeBytes = shared(where);
            BlockPlanner.Plan plan = Seeding.plan(ctx, in, tapeBytes, seeding, stars);
            if (Seeding.dropUnpaidCompression(in, seeding, plan.blocks())) {
                // more seeds: the job may have outgrown driver threads
                where = Placement.decide(ctx, Seeding.sweepFlops(in, seeding, stars));
                tapeBytes = shared(where);
                plan = Seeding.plan(ctx, in, tapeBytes, seeding, stars);
            }
            if (stars.choose(in, seeding, plan.blocks())) {
                // a symmetric block read from star-coloured sweeps: less work, less memory per row
                where = Placement.decide(ctx, Seeding.sweepFlops(in, seeding, stars));
                tapeBytes = shared(where);
                plan = Seeding.plan(ctx, in, tapeBytes, seeding, stars);
            }
            return new Planned(where, plan, tapeBytes);
        }

        /** What the tasks share: the tape and the star-coloured sweeps (none on driver threads). */
        private long shared(Placement where) {
            long tape = where.broadcastBytes(in.tape);
            return tape == 0 ? 0 : tape + stars.sharedBytes();
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
                String file = new Path(dir, in.fileName(i)).toString();
                outputs.add(
                        in.csr(i)
                                ? CommitProtocol.forCsr(
                                        file, in.patterns.get(i), true, req.forcePartsOutput, hconf, fp, req.resume)
                                : CommitProtocol.forDestination(
                                        file, shape(i).toArray(), true, req.forcePartsOutput, hconf, fp, req.resume));
            }
            return outputs;
        }

        @Override
        protected List<String> describe(Planned p) {
            List<String> lines = new ArrayList<>();
            lines.add(in.graph.source() + " → " + in.graph.outputShape() + "; d/d " + String.join(", ", in.wrt) + "; "
                    + in.graph.nodes().size() + " nodes; " + BlockPlanner.broadcastNote(p.broadcastBytes()));
            lines.addAll(Seeding.describe(in, seeding, stars, p.plan().blocks()));
            return lines;
        }

        @Override
        protected BlockWork work(BlockWork.Frame frame, Configuration hconf) throws IOException {
            int[] sizes = new int[in.wrt.size()];
            SparsityPattern[] stored = new SparsityPattern[in.wrt.size()];
            for (int i = 0; i < in.wrt.size(); i++) {
                sizes[i] = in.wrtShapes.get(in.wrt.get(i)).size();
                stored[i] = in.csr(i) ? in.patterns.get(i) : null;
            }
            for (CommitProtocol o : frame.outputs()) {
                if (o instanceof CsrOutput c) {
                    c.planBlocks(frame.blocks());
                }
            }
            // the symmetric blocks' sweeps, once, before the row blocks read them
            return new SweepWork(in.tape, in.wrtNodes, sizes, seeding, stars.sweep(ctx, in), stored, frame);
        }

        @Override
        protected String report(BlockJob.Run r, double secs, Path dir) {
            return String.format(
                    Locale.ROOT,
                    "wrote %s in %.2f s (tasks %.2f s, %.2f s of sweep compute summed over tasks)",
                    String.join(
                            ", ",
                            java.util.stream.IntStream.range(0, in.wrt.size())
                                    .mapToObj(i -> new Path(dir, in.fileName(i)).toString())
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
        // as asked (auto resolves from the pattern, which the expression and shapes already fix)
        args.put("format", req.format.name().toLowerCase(Locale.ROOT));
        if (!req.formats.isEmpty()) {
            args.put("formats", req.formats.toString().toLowerCase(Locale.ROOT));
        }
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
     * The (p·q) × (k·l) matricization of ∂out/∂{@code wrt} as an MLlib {@link IndexedRowMatrix}, without a file:
     * {@link MllibRows#of}.
     */
    public static IndexedRowMatrix toIndexedRowMatrix(JavaSparkContext jsc, JacobianInputs in, String wrt) {
        return MllibRows.of(jsc, in, wrt);
    }
}
