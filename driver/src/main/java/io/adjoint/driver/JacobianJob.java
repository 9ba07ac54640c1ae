package io.adjoint.driver;

import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.linalg.Shape4;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
 * <p>Cost. Driver: one forward pass (every node's value once), the structured local Jacobians (about the
 * size of the node values; a dense (n·m)×(k·l) matrix is never formed), one broadcast of them; it never
 * holds a Jacobian. Executors: per task of B rows, one reverse sweep — for matmul and inv a few GEMMs on
 * the whole B-row block, for elementwise ops and reductions O(B·size) copies — with at most B × (peak live
 * adjoint columns) doubles alive; each task writes B·k·l doubles per input to its byte range. No shuffle.
 */
public final class JacobianJob {
    private JacobianJob() {
    }

    /** Summary of a finished job. */
    public static final class Summary {
        public final RowBlocks blocks;
        public final String planReason;
        public final double seconds;
        public final double computeSeconds;
        public final double tasksSeconds;
        public final long broadcastBytes;

        Summary(RowBlocks blocks, String planReason, double seconds, double computeSeconds, double tasksSeconds,
                long broadcastBytes) {
            this.blocks = blocks;
            this.planReason = planReason;
            this.seconds = seconds;
            this.computeSeconds = computeSeconds;
            this.tasksSeconds = tasksSeconds;
            this.broadcastBytes = broadcastBytes;
        }
    }

    /** Serialized size of the tape: what the broadcast carries. */
    static long serializedBytes(Object o) {
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
            out.flush();
            return bos.size();
        } catch (IOException e) {
            return -1;
        }
    }

    static BlockPlanner.Plan plan(JavaSparkContext jsc, JacobianInputs in, long tapeBytes) {
        Graph g = in.graph;
        int[] used = java.util.Arrays.stream(in.wrtNodes).filter(w -> w >= 0).toArray();
        long live = used.length == 0 ? g.outputShape().size() : ReverseSweep.peakLiveColumns(g, used);
        long widest = 0;
        for (Graph.Node n : g.nodes()) {
            widest = Math.max(widest, n.shape.size());
        }
        long resultCols = 0;
        for (Shape2 s : in.wrtShapes.values()) {
            resultCols += s.size();
        }
        // live adjoints, plus the batched-GEMM workspace (about two of the widest blocks)
        return BlockJobs.plan(jsc, g.outputShape().size(), live + 2 * widest, resultCols, tapeBytes, in.request.rowsPerTask);
    }

    /**
     * Runs the job: DIR/NAME.npy for each requested input, each committed by rename when all blocks are
     * written. DIR is created when absent and removed again if the job fails.
     */
    public static Summary run(JavaSparkContext jsc, JacobianInputs in, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        JacobianRequest req = in.request;
        Configuration hconf = jsc.hadoopConfiguration();
        if (log != null) {
            in.warnings.forEach(w -> log.accept("jacobian: warning: " + w));
        }
        Shape2 out = in.graph.outputShape();
        long tapeBytes = serializedBytes(in.tape);
        BlockPlanner.Plan plan = plan(jsc, in, tapeBytes);
        if (log != null) {
            log.accept("jacobian: " + in.graph.source() + " → " + out + "; d/d " + String.join(", ", in.wrt)
                    + "; " + in.graph.nodes().size() + " nodes; broadcast " + BlockPlanner.mib(tapeBytes));
        }
        Path dir = new Path(req.outDir);
        FileSystem fs = dir.getFileSystem(hconf);
        boolean created = false;
        if (!fs.exists(dir)) {
            if (!fs.mkdirs(dir)) {
                throw new IOException("could not create " + req.outDir);
            }
            created = true;
        }
        boolean ok = false;
        try {
            List<ResultOutput> outputs = new ArrayList<>();
            int[] sizes = new int[in.wrt.size()];
            List<String> files = new ArrayList<>(req.inputs.values());
            List<String> args = new ArrayList<>(List.of("expr " + req.expr, "wrt " + String.join(",", in.wrt)));
            req.inputs.forEach((k, v) -> args.add(k + "=" + v));
            Fingerprint fp = Fingerprint.of(hconf, "jacobian", args, files);
            for (int i = 0; i < in.wrt.size(); i++) {
                String name = in.wrt.get(i);
                Shape2 x = in.wrtShapes.get(name);
                sizes[i] = x.size();
                Shape4 shape = new Shape4(out.rows, out.cols, x.rows, x.cols);
                outputs.add(ResultOutput.forDestination(new Path(dir, name + ".npy").toString(), shape.toArray(),
                        true, false, hconf, fp.hash, req.resume, fp.description));
            }
            if (outputs.stream().anyMatch(ResultOutput::resuming) && !outputs.stream().allMatch(ResultOutput::resuming)) {
                // some outputs lost their temporaries: start all over
                for (int i = 0; i < outputs.size(); i++) {
                    outputs.get(i).abort(hconf);
                }
                throw new io.adjoint.core.InvalidInputException("--resume: the interrupted run's temporaries in "
                        + req.outDir + " are incomplete; run without --resume to start over");
            }
            plan = BlockJobs.resumePlan(plan, outputs, req.rowsPerTask);
            if (log != null) {
                log.accept("jacobian: " + plan.reason + "; " + plan.blocks.count() + " tasks");
            }
            JacobianTask.Data data = new JacobianTask.Data(in.tape, in.wrtNodes, sizes, plan.blocks,
                    outputs.toArray(new ResultOutput[0]), new HadoopConf(hconf), TestHooks.from(jsc));
            Broadcast<JacobianTask.Data> bc = jsc.broadcast(data);
            BlockJobs.Result r;
            try {
                r = BlockJobs.run(jsc, "jacobian", plan.blocks, outputs, new JacobianTask(bc), log);
            } finally {
                bc.destroy();
            }
            ok = true;
            double secs = (System.nanoTime() - start) / 1e9;
            if (log != null) {
                log.accept(String.format(Locale.ROOT, "jacobian: wrote %s in %.2f s (tasks %.2f s, %.2f s of sweep"
                        + " compute summed over tasks)", String.join(", ", in.wrt.stream().map(w -> new Path(dir, w
                        + ".npy").toString()).toArray(String[]::new)), secs, r.tasksNanos / 1e9, r.computeNanos / 1e9));
            }
            return new Summary(plan.blocks, plan.reason, secs, r.computeNanos / 1e9, r.tasksNanos / 1e9, tapeBytes);
        } finally {
            if (!ok && created) {
                try {
                    fs.delete(dir, true);
                } catch (IOException e) {
                    System.err.println("adjoint: warning: could not remove " + req.outDir + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The (p·q) × (k·l) matricization of ∂out/∂{@code wrt} as an MLlib {@link IndexedRowMatrix}, computed
     * lazily by the same distributed sweep, without a file: for users whose next step is MLlib. Row i·q + j
     * holds ∂out[i,j]/∂X flattened row-major. Each partition sweeps one block of rows when evaluated; cache
     * the matrix if it is used more than once. {@code .toBlockMatrix()} gives a BlockMatrix.
     */
    public static IndexedRowMatrix toIndexedRowMatrix(JavaSparkContext jsc, JacobianInputs in, String wrt) {
        int i = in.wrt.indexOf(wrt);
        if (i < 0) {
            throw new IllegalArgumentException(wrt + " was not requested (--wrt " + String.join(",", in.wrt) + ")");
        }
        BlockPlanner.Plan plan = plan(jsc, in, serializedBytes(in.tape));
        int node = in.wrtNodes[i];
        int size = in.wrtShapes.get(wrt).size();
        JacobianTask.Data data = new JacobianTask.Data(in.tape, new int[] {node}, new int[] {size},
                plan.blocks, new ResultOutput[0], new HadoopConf(jsc.hadoopConfiguration()), TestHooks.from(jsc));
        Broadcast<JacobianTask.Data> bc = jsc.broadcast(data);
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < plan.blocks.count(); b++) {
            ids.add(b);
        }
        JavaRDD<IndexedRow> rows = jsc.parallelize(ids, Math.max(1, ids.size())).flatMap(b -> {
            JacobianTask.Data d = bc.value();
            long r0 = d.blocks.start(b);
            long r1 = d.blocks.end(b);
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
