package io.adjoint.driver.products;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.ForwardSweep;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.exec.Tasks;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.Seeding;
import io.adjoint.driver.job.FolderJob;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.ejml.data.DMatrixRMaj;

/**
 * Batches of products with the Jacobian, distributed as the Jacobian's rows are: the driver partitions the N
 * cotangents (or tangents) into blocks, each task reads its block straight from storage and runs one sweep over the
 * broadcast tape — a seeded reverse sweep for VJPs (block B × p·q → B × k·l per wrt input), a forward sweep for JVPs
 * (B × k·l per tangent input → B × p·q) — and writes its rows of the results, committed atomically like every job.
 * Cost per block: about the forward pass's flops times B (one GEMM per matmul with B times the columns); the
 * Jacobian is never formed. The tape is broadcast once (a small batch on a local master runs on driver threads,
 * which share it, and never starts Spark: {@link JobContext}).
 */
public final class ProductJob {
    private ProductJob() {}

    /** Summary of a finished job. */
    public record Summary(RowBlocks blocks, String planReason, double seconds, double computeSeconds) {}

    /**
     * Runs the job: DIR/NAME.npy per wrt input (VJP: (N, k, l), or (k, l) for a single cotangent) or DIR/out.npy
     * (JVP: (N, p, q), or (p, q)). DIR is claimed for the run, created when absent and removed again if the job fails
     * and left it empty.
     */
    public static Summary run(JavaSparkContext jsc, ProductInputs in, JobLog log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /** {@link #run(JavaSparkContext, ProductInputs, JobLog)} in a job context: Spark starts only for Spark tasks. */
    public static Summary run(JobContext ctx, ProductInputs in, JobLog log) throws IOException {
        FolderJob.Outcome o = new Products(in).run(ctx, log);
        return new Summary(
                o.run().blocks(), o.run().planReason(), o.seconds(), o.run().computeNanos() / 1e9);
    }

    /** The products job in the {@link FolderJob} template. */
    private static final class Products extends FolderJob {
        private final ProductInputs in;
        private final ProductRequest req;
        private final JacobianInputs job;
        private final boolean vjp;
        private final List<long[]> shapes = new ArrayList<>();

        Products(ProductInputs in) {
            super(in.request.command(), new Target(in.request.outDir, in.request.resume, in.request.rowsPerTask));
            this.in = in;
            this.req = in.request;
            this.job = in.job;
            this.vjp = req.kind == ProductRequest.Kind.VJP;
            if (vjp) {
                for (String w : job.wrt) {
                    shapes.add(shape(in, job.wrtShapes.get(w)));
                }
            } else {
                shapes.add(shape(in, job.graph.outputShape()));
            }
        }

        @Override
        protected List<String> warnings() {
            return job.warnings;
        }

        @Override
        protected long resultBytes() {
            long bytes = 0;
            for (long[] s : shapes) {
                bytes += NpyWriter.fileSize(s);
            }
            return bytes;
        }

        @Override
        protected Planned plan(JobContext ctx) {
            return ProductJob.planned(ctx, job, in.count, vjp, req.rowsPerTask, req.resume);
        }

        @Override
        protected Fingerprint fingerprint(Configuration hconf) throws IOException {
            Map<String, String> args = new TreeMap<>();
            args.put("expr", req.job.exprText());
            args.put("wrt", String.join(",", job.wrt));
            Map<String, String> files = new TreeMap<>();
            req.job.inputs.forEach((k, v) -> files.put("input " + k, v));
            if (vjp) {
                files.put("cotangent", req.cotangent);
            } else {
                req.tangents.forEach((k, v) -> files.put("tangent " + k, v));
            }
            return Fingerprint.of(hconf, req.command(), args, files);
        }

        @Override
        protected List<CommitProtocol> outputs(Path dir, Fingerprint fp, Configuration hconf, Planned planned)
                throws IOException {
            List<CommitProtocol> outputs = new ArrayList<>();
            List<String> names = in.resultNames();
            for (int i = 0; i < names.size(); i++) {
                outputs.add(CommitProtocol.forDestination(
                        new Path(dir, names.get(i)).toString(), shapes.get(i), true, false, hconf, fp, req.resume));
            }
            return outputs;
        }

        @Override
        protected List<String> describe(Planned planned) {
            return List.of(job.graph.source() + " → " + job.graph.outputShape() + "; " + in.count + " "
                    + (vjp
                            ? "cotangent(s); d/d " + String.join(", ", job.wrt)
                            : "tangent(s) on " + String.join(", ", req.tangents.keySet()))
                    + "; " + BlockPlanner.broadcastNote(planned.broadcastBytes()));
        }

        @Override
        protected BlockWork work(BlockWork.Frame frame, Configuration hconf) throws IOException {
            Map<Integer, String> uris = new HashMap<>();
            Map<Integer, NpyHeader> headers = new HashMap<>();
            if (vjp) {
                uris.put(-1, StoredArrays.qualified(req.cotangent, hconf));
                headers.put(-1, in.cotangentHeader);
            } else {
                for (Map.Entry<String, String> t : req.tangents.entrySet()) {
                    Integer node = job.graph.inputs().get(t.getKey());
                    if (node != null) { // a tangent on an input the expression does not use changes nothing
                        uris.put(node, StoredArrays.qualified(t.getValue(), hconf));
                        headers.put(node, in.tangentHeaders.get(t.getKey()));
                    }
                }
            }
            int[] sizes =
                    job.wrt.stream().mapToInt(w -> job.wrtShapes.get(w).size()).toArray();
            return new ProductWork(job.tape, vjp, job.wrtNodes, sizes, uris, headers, frame);
        }

        @Override
        protected String report(BlockJob.Run r, double secs, Path dir) {
            return "wrote "
                    + String.join(
                            ", ",
                            in.resultNames().stream()
                                    .map(n -> new Path(dir, n).toString())
                                    .toList())
                    + " in " + seconds(secs) + " s (" + seconds(r.computeNanos() / 1e9)
                    + " s of sweeps summed over tasks; before it, the forward pass ran once in "
                    + seconds(job.forwardSeconds) + " s)";
        }
    }

    /** Seconds to two decimals, or to milliseconds under a second (small batches take a tenth of one). */
    static String seconds(double s) {
        return String.format(Locale.ROOT, s < 1 ? "%.3f" : "%.2f", s);
    }

    /** (N, rows, cols) for a batch, (rows, cols) for a single product. */
    private static long[] shape(ProductInputs in, Shape2 s) {
        return in.batched ? new long[] {in.count, s.rows, s.cols} : new long[] {s.rows, s.cols};
    }

    /**
     * Where {@code count} products of {@code job} run and their blocks — the plan of the {@code vjp}/{@code jvp} job,
     * and of the Python API's in-memory products, which use it so that their blocks, and so their bits, are the job's.
     */
    public static FolderJob.Planned planned(
            JobContext ctx, JacobianInputs job, long count, boolean vjp, Integer rowsPerTask, boolean resume) {
        Placement where = Placement.decide(ctx, count * job.graph.forwardFlops());
        long tapeBytes = where.broadcastBytes(job.tape);
        BlockPlanner.Plan plan = BlockPlanner.blockPerThread(
                plan(ctx, job, count, vjp, rowsPerTask, tapeBytes), where, rowsPerTask != null || resume);
        return new FolderJob.Planned(where, plan, tapeBytes);
    }

    /** Blocks of products: per product row, the sweep's live columns and the row read in and written out. */
    static BlockPlanner.Plan plan(
            JobContext ctx, JacobianInputs job, long count, boolean vjp, Integer rowsPerTask, long tapeBytes) {
        Graph g = job.graph;
        long resultCols = 0;
        long work;
        if (vjp) {
            for (Shape2 s : job.wrtShapes.values()) {
                resultCols += s.size();
            }
            work = Seeding.sweepColumns(job) + g.outputShape().size(); // the sweep, and the cotangent row
        } else {
            long widest = 0;
            long all = 0;
            for (Graph.Node n : g.nodes()) {
                widest = Math.max(widest, n.shape.size());
                all += n.shape.size();
            }
            resultCols = g.outputShape().size();
            work = all + 2 * widest; // tangents of every node at worst, and the GEMM workspace
        }
        return BlockPlanner.plan(
                ctx,
                BlockPlanner.Need.rows(count, work, resultCols)
                        .broadcast(tapeBytes)
                        .requested(rowsPerTask));
    }

    // ---- Java API: the same products on in-memory matrices ----

    /**
     * VJPs of in-memory cotangents, in blocks of {@code perTask} rows run where {@link Placement} puts their work (a
     * forward pass's flops per cotangent): {@code cotangents} is N × p·q (row b = ḡ_b flattened row-major); returns,
     * per wrt input x of {@code in}, the N × size(x) matrix whose row b is ḡ_b·∂out/∂x. With Spark tasks the
     * cotangents and the tape are broadcast and the results come back to the driver; on driver threads they are
     * shared.
     */
    public static Map<String, DMatrixRMaj> vjp(JobContext ctx, JacobianInputs in, DMatrixRMaj cotangents, int perTask)
            throws IOException {
        int pq = in.graph.outputShape().size();
        if (cotangents.numCols != pq) {
            throw new InvalidInputException(
                    "cotangents have " + cotangents.numCols + " columns; the output has p·q = " + pq);
        }
        List<DMatrixRMaj[]> parts = blocks(ctx, in, cotangents.numRows, perTask, cotangents, null);
        Map<String, DMatrixRMaj> out = new LinkedHashMap<>();
        int k = 0;
        for (int i = 0; i < in.wrt.size(); i++) {
            DMatrixRMaj m = new DMatrixRMaj(
                    cotangents.numRows, in.wrtShapes.get(in.wrt.get(i)).size());
            if (in.wrtNodes[i] >= 0) {
                stack(parts, k++, m);
            }
            out.put(in.wrt.get(i), m);
        }
        return out;
    }

    /** {@link #vjp(JobContext, JacobianInputs, DMatrixRMaj, int)} with a running Spark context. */
    public static Map<String, DMatrixRMaj> vjp(
            JavaSparkContext jsc, JacobianInputs in, DMatrixRMaj cotangents, int perTask) throws IOException {
        return vjp(JobContext.of(jsc), in, cotangents, perTask);
    }

    /**
     * JVPs of in-memory tangents, placed as {@link #vjp(JobContext, JacobianInputs, DMatrixRMaj, int)}: {@code
     * tangents} maps input names to N × size(input) matrices (row b = ẋ_b); returns the N × p·q matrix whose row b is
     * Σ_x ∂out/∂x·ẋ_b.
     */
    public static DMatrixRMaj jvp(JobContext ctx, JacobianInputs in, Map<String, DMatrixRMaj> tangents, int perTask)
            throws IOException {
        int n = -1;
        Map<Integer, DMatrixRMaj> byNode = new HashMap<>();
        java.util.Set<String> known = new java.util.TreeSet<>(in.request.inputs.keySet());
        known.addAll(in.request.values.keySet());
        for (Map.Entry<String, DMatrixRMaj> t : tangents.entrySet()) {
            if (!known.contains(t.getKey())) {
                throw new InvalidInputException(
                        "tangent " + t.getKey() + ": no input of that name (inputs: " + String.join(", ", known) + ")");
            }
            Integer node = in.graph.inputs().get(t.getKey());
            if (node == null) {
                continue; // an input the expression does not use: its tangent changes nothing
            }
            if (n >= 0 && t.getValue().numRows != n) {
                throw new InvalidInputException("tangent " + t.getKey() + " has " + t.getValue().numRows
                        + " rows, another has " + n + "; give every tangent the same N");
            }
            n = t.getValue().numRows;
            byNode.put(node, t.getValue());
        }
        int pq = in.graph.outputShape().size();
        if (byNode.isEmpty()) {
            int rows = tangents.values().stream()
                    .mapToInt(m -> m.numRows)
                    .findFirst()
                    .orElse(0);
            return new DMatrixRMaj(rows, pq);
        }
        List<DMatrixRMaj[]> parts = blocks(ctx, in, n, perTask, null, byNode);
        DMatrixRMaj m = new DMatrixRMaj(n, pq);
        stack(parts, 0, m);
        return m;
    }

    /** {@link #jvp(JobContext, JacobianInputs, Map, int)} with a running Spark context. */
    public static DMatrixRMaj jvp(
            JavaSparkContext jsc, JacobianInputs in, Map<String, DMatrixRMaj> tangents, int perTask)
            throws IOException {
        return jvp(JobContext.of(jsc), in, tangents, perTask);
    }

    /**
     * What the in-memory products' tasks share: the tape, the wrt nodes, and the cotangents or tangents (public for
     * the Kryo registrator only).
     */
    public static final class InMemory implements Serializable {
        private static final long serialVersionUID = 1L;
        final io.adjoint.core.graph.Tape tape;
        final int[] ids;
        final DMatrixRMaj cotangents;
        final HashMap<Integer, DMatrixRMaj> tangents;
        final int n;
        final int perTask;

        InMemory(JacobianInputs in, DMatrixRMaj cotangents, Map<Integer, DMatrixRMaj> tangents, int n, int perTask) {
            this.tape = in.tape;
            this.ids = java.util.Arrays.stream(in.wrtNodes).filter(w -> w >= 0).toArray();
            this.cotangents = cotangents;
            this.tangents = tangents == null ? null : new HashMap<>(tangents); // serializable, whatever was passed
            this.n = n;
            this.perTask = perTask;
        }

        /** Products [r0, r0 + perTask): one task's. */
        DMatrixRMaj[] block(int r0) {
            int r1 = Math.min(n, r0 + perTask);
            if (cotangents != null) {
                DMatrixRMaj seed = org.ejml.dense.row.CommonOps_DDRM.extract(cotangents, r0, r1, 0, cotangents.numCols);
                return ids.length == 0 ? new DMatrixRMaj[0] : ReverseSweep.sweepSeeded(tape, ids, seed);
            }
            Map<Integer, DMatrixRMaj> t = new HashMap<>();
            tangents.forEach(
                    (node, all) -> t.put(node, org.ejml.dense.row.CommonOps_DDRM.extract(all, r0, r1, 0, all.numCols)));
            return new DMatrixRMaj[] {ForwardSweep.jvp(tape, t, r1 - r0)};
        }
    }

    /** One task of the in-memory products: the block starting at product r0. */
    private static final class Block implements Tasks.Task<InMemory, Integer, DMatrixRMaj[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public DMatrixRMaj[] run(InMemory m, Integer r0) {
            return m.block(r0);
        }
    }

    /** Row blocks [r0, r0 + perTask) of the products, computed by tasks ({@link Tasks}), in order. */
    private static List<DMatrixRMaj[]> blocks(
            JobContext ctx,
            JacobianInputs in,
            int n,
            int perTask,
            DMatrixRMaj cotangents,
            Map<Integer, DMatrixRMaj> tangents)
            throws IOException {
        if (perTask < 1) {
            throw new InvalidInputException("products per task must be at least 1, got " + perTask);
        }
        List<Integer> starts = new ArrayList<>();
        for (int r = 0; r < n; r += perTask) {
            starts.add(r);
        }
        try (Tasks<InMemory> tasks =
                Tasks.sharing(ctx, "products", new InMemory(in, cotangents, tangents, n, perTask))) {
            return tasks.map((double) n * in.graph.forwardFlops(), starts, starts.size(), new Block(), null);
        }
    }

    private static void stack(List<DMatrixRMaj[]> parts, int which, DMatrixRMaj into) {
        int row = 0;
        for (DMatrixRMaj[] p : parts) {
            DMatrixRMaj b = p[which];
            System.arraycopy(b.data, 0, into.data, row * into.numCols, b.numRows * b.numCols);
            row += b.numRows;
        }
    }
}
