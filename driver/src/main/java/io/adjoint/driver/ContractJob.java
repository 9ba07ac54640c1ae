package io.adjoint.driver;

import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.NpyReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * The distributed contraction G = Σ_t A_t ·_2 J_t, i.e.
 * G[i,j,r,s] = Σ_t Σ_{a,b} A_t[i,j,a,b]·J_t[a,b,r,s], as (p·q)×(k·l) = Σ_t (p·q)×(n_t·m_t) · (n_t·m_t)×(k·l).
 *
 * <p>Cost. Driver: reads each header, reads each J_t once (Σ n_t·m_t·k·l doubles in memory, held dense or
 * sparse by density), broadcasts them once, collects one small report per block; it never holds A or G.
 * Executors: each holds the broadcast Jacobians once; each task reads its B rows of every A_t straight from
 * storage (B·n_t·m_t doubles), runs one GEMM per pair (2·B·n_t·m_t·k·l flops), and writes B·k·l doubles
 * to its byte range of the result. One pass over A, one over G; no shuffle.
 */
public final class ContractJob {
    /** Summary of a finished job. */
    public static final class Summary {
        public final RowBlocks blocks;
        public final String planReason;
        public final List<String> jacobianKinds;
        public final double seconds;
        public final double computeSeconds;
        public final String outputMode;

        Summary(RowBlocks blocks, String planReason, List<String> kinds, double seconds, double computeSeconds,
                String outputMode) {
            this.blocks = blocks;
            this.planReason = planReason;
            this.jacobianKinds = kinds;
            this.seconds = seconds;
            this.computeSeconds = computeSeconds;
            this.outputMode = outputMode;
        }
    }

    private ContractJob() {
    }


    /**
     * Runs the job and commits the result atomically: on success the destination holds all of G; on any
     * failure (thrown out of here) nothing is at the destination and the temporaries are removed.
     *
     * @param log receives the plan and progress lines (stderr in the CLI), or null for silence
     */
    public static Summary run(JavaSparkContext jsc, ContractInputs in, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        ContractRequest req = in.request;
        Configuration hconf = jsc.hadoopConfiguration();

        int t = req.adjoints.size();
        JacobianOperand[] js = new JacobianOperand[t];
        List<String> kinds = new ArrayList<>();
        long broadcastBytes = 0;
        for (int i = 0; i < t; i++) {
            DMatrixRMaj m;
            try (ByteSource src = HadoopByteSource.open(req.jacobians.get(i), hconf)) {
                m = NpyReader.readAll(src, in.jacobianHeaders[i], 2);
            }
            js[i] = JacobianOperand.of(m, req.sparseDensity);
            broadcastBytes += js[i].bytes();
            kinds.add(js[i].kind() + " (" + js[i].nonZeros() + " non-zeros)");
        }

        long loaded = System.nanoTime();
        long rows = in.result.rows();
        long adjCols = 0;
        for (int i = 0; i < t; i++) {
            adjCols = Math.max(adjCols, NpyReader.cols(in.adjointHeaders[i], 2));
        }
        BlockPlanner.Plan plan = BlockJobs.plan(jsc, rows, adjCols, in.result.cols(), broadcastBytes, req.rowsPerTask);
        if (log != null) {
            log.accept("contract: G " + in.result + " = Σ over " + t + " pair(s); Jacobians: " + String.join(", ", kinds));
        }

        List<String> files = new ArrayList<>(req.adjoints);
        files.addAll(req.jacobians);
        Fingerprint fp = Fingerprint.of(hconf, "contract", List.of("sparse-below " + req.sparseDensity), files);
        ResultOutput output = ResultOutput.forDestination(req.out, in.result.toArray(), req.overwrite,
                req.forcePartsOutput, hconf, fp.hash, req.resume, fp.description);
        plan = BlockJobs.resumePlan(plan, List.of(output), req.rowsPerTask);
        if (log != null) {
            log.accept("contract: " + plan.reason + "; " + plan.blocks.count() + " tasks");
        }
        ContractTaskData data = new ContractTaskData(js, req.adjoints.toArray(new String[0]), in.adjointHeaders,
                plan.blocks, output, new HadoopConf(hconf), TestHooks.from(jsc));
        long launched = System.nanoTime();
        Broadcast<ContractTaskData> bc = jsc.broadcast(data);
        try {
            BlockJobs.Result r = BlockJobs.run(jsc, "contract", plan.blocks, List.of(output), new ContractTask(bc), log);
            long end = System.nanoTime();
            double secs = (end - start) / 1e9;
            if (log != null) {
                log.accept(String.format(Locale.ROOT, "contract: wrote %s %s in %.2f s: load J %.2f s, plan and broadcast"
                        + " %.2f s, tasks %.2f s (%.2f s of compute summed over tasks), commit %.2f s", req.out, in.result,
                        secs, (loaded - start) / 1e9, (launched - loaded) / 1e9 + (end - launched - r.tasksNanos
                        - r.commitNanos) / 1e9, r.tasksNanos / 1e9, r.computeNanos / 1e9, r.commitNanos / 1e9));
            }
            return new Summary(plan.blocks, plan.reason, kinds, secs, r.computeNanos / 1e9, output.mode());
        } finally {
            bc.destroy();
        }
    }
}
