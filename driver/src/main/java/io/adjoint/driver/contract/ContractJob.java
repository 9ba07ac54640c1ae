package io.adjoint.driver.contract;

import io.adjoint.core.contract.StreamedContraction;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.job.Job;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.ejml.data.DMatrixRMaj;

/**
 * The distributed contraction G = Σ_t A_t ·_2 J_t, i.e. G[i,j,r,s] = Σ_t Σ_{a,b} A_t[i,j,a,b]·J_t[a,b,r,s], as
 * (p·q)×(k·l) = Σ_t (p·q)×(n_t·m_t) · (n_t·m_t)×(k·l).
 *
 * <p>Two plans, chosen by {@link ContractPlan}'s cost model (bytes moved) or by {@code --plan}:
 *
 * <p>Broadcast. Driver: reads each header, reads each J_t once (Σ n_t·m_t·k·l doubles in memory, held dense or
 * sparse by density), broadcasts them once, collects one small report per block; it never holds A or G. Executors:
 * each holds the broadcast Jacobians once; each task reads its B rows of every A_t straight from storage (B·n_t·m_t
 * doubles), runs one GEMM per pair (2·B·n_t·m_t·k·l flops), and writes B·k·l doubles to its byte range of the
 * result. One pass over A, one over G; no shuffle.
 *
 * <p>Streamed (J beyond the broadcast budget). Driver: headers only; nothing broadcast but the file names. Each of
 * the R tasks (as few as fill the slots once) reads its rows of A and streams every J_t from storage in row panels
 * of ≤ 64 MiB (R·|J| read in all), same flops, same writes. No shuffle; no partial product
 * leaves a task.
 */
public final class ContractJob {
    private ContractJob() {}

    /** Summary of a finished job. */
    public record Summary(
            RowBlocks blocks,
            String planReason,
            List<String> jacobianKinds,
            double seconds,
            double computeSeconds,
            CommitProtocol.Layout layout,
            ContractPlan.Kind plan) {}

    /**
     * Runs the job and commits the result atomically: on success the destination holds all of G; on any failure
     * (thrown out of here) nothing is at the destination and the temporaries are removed.
     *
     * @param log receives the plan and progress lines (stderr in the CLI), or null for silence
     */
    public static Summary run(JobContext ctx, ContractInputs in, JobLog log) throws IOException {
        return new Contraction(in).run(ctx, log);
    }

    /** The contraction in the {@link Job} template: one result file, claimed beside it. */
    private static final class Contraction extends Job<Summary> {
        private final ContractInputs in;

        Contraction(ContractInputs in) {
            super("contract");
            this.in = in;
        }

        @Override
        protected Destination destination() {
            return Destination.file(
                    "--out", in.request.out, in.request.resume ? 0 : NpyWriter.fileSize(in.result.toArray()));
        }

        @Override
        protected Summary execute(JobContext ctx, Path dest, JobLog log) throws IOException {
            return runClaimed(ctx, in, log);
        }
    }

    /** {@link #run(JobContext, ContractInputs, JobLog)} with a running Spark context. */
    public static Summary run(JavaSparkContext jsc, ContractInputs in, JobLog log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    private static Summary runClaimed(JobContext ctx, ContractInputs in, JobLog log) throws IOException {
        long start = System.nanoTime();
        ContractRequest req = in.request;
        Configuration hconf = ctx.hadoopConfiguration();

        int t = req.adjoints.size();
        long adjCols = 0;
        long aBytes = 0;
        for (int i = 0; i < t; i++) {
            adjCols = Math.max(adjCols, NpyReader.cols(in.adjointHeaders[i], 2));
            aBytes += 8 * in.adjointHeaders[i].elementCount();
        }
        long gBytes = 8 * in.result.rows() * in.result.cols();
        double flops = 0;
        for (int i = 0; i < t; i++) { // one GEMM per pair: 2·(p·q)·(n_t·m_t)·(k·l)
            flops += 2.0 * in.result.rows() * NpyReader.cols(in.adjointHeaders[i], 2) * in.result.cols();
        }
        Placement where = Placement.decide(ctx, flops);
        BlockPlanner.Need need = BlockPlanner.Need.rows(in.result.rows(), adjCols, in.result.cols())
                .requested(req.rowsPerTask);
        BlockPlanner.Plan streamed = BlockPlanner.planFewestTasks(ctx, need.broadcast(PANEL_BYTES));
        BlockPlanner.Plan broadcastBlocks = in.broadcastRefusal != null
                ? null
                : BlockPlanner.plan(ctx, need.broadcast(where.inDriver() ? 0 : in.jacobianBytes));
        ContractPlan.Decision decision = ContractPlan.choose(
                req.plan,
                new ContractPlan.Sizes(
                        new ContractPlan.Sizes.Bytes(aBytes, in.jacobianBytes, streamBytes(in), gBytes),
                        new ContractPlan.Sizes.Dims(in.result.rows(), maxJacobianRows(in), in.result.cols()),
                        new ContractPlan.Sizes.Tasks(
                                broadcastBlocks == null
                                        ? 0
                                        : broadcastBlocks.blocks().count(),
                                streamed.blocks().count(),
                                BlockPlanner.executors(ctx))),
                in.broadcastRefusal,
                in.broadcastObstacle);
        boolean broadcast = decision.kind() == ContractPlan.Kind.BROADCAST;
        JacobianOperand[] js = new JacobianOperand[t];
        List<String> kinds = new ArrayList<>();
        long broadcastBytes = 0;
        for (int i = 0; i < t; i++) {
            if (!broadcast) {
                kinds.add("dense, streamed from storage in row panels of ≤ " + BlockPlanner.mib(PANEL_BYTES));
                continue;
            }
            DMatrixRMaj m;
            try (ByteSource src = HadoopByteSource.open(req.jacobians.get(i), hconf)) {
                m = NpyReader.readAll(src, in.jacobianHeaders[i], 2);
            }
            js[i] = JacobianOperand.of(m, req.sparseDensity);
            broadcastBytes += js[i].bytes();
            // a dense operand holds every entry, zero or not: say entries, not non-zeros
            kinds.add(js[i].kind() + " ("
                    + js[i].nonZeros()
                    + (js[i].kind().equals("dense") ? " entries)" : " non-zeros)"));
        }
        long loaded = System.nanoTime();
        BlockPlanner.Plan plan =
                broadcast ? BlockPlanner.plan(ctx, need.broadcast(where.inDriver() ? 0 : broadcastBytes)) : streamed;
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < t; i++) { // pairs by position: their order is the order of the sum
            files.put("adjoint " + (i + 1), req.adjoints.get(i));
            files.put("jacobian " + (i + 1), req.jacobians.get(i));
        }
        // the two plans sum in different orders (last bits may differ): a resume continues only the same plan
        Fingerprint fp = Fingerprint.of(
                hconf,
                "contract",
                Map.of(
                        "sparse-below",
                        String.valueOf(req.sparseDensity),
                        "plan",
                        decision.kind().name().toLowerCase(Locale.ROOT)),
                files);
        CommitProtocol output = CommitProtocol.forDestination(
                req.out, in.result.toArray(), req.overwrite, req.forcePartsOutput, hconf, fp, req.resume);
        // after the destination and resume checks, which may refuse the run in one line
        if (log != null) {
            log.detail(
                    "contract: G " + in.result + " = Σ over " + t + " pair(s); Jacobians: " + String.join(", ", kinds));
            log.detail("contract: " + decision.reason());
        }
        String[] uris = new String[t];
        String[] jUris = new String[t];
        for (int i = 0; i < t; i++) {
            uris[i] = StoredArrays.qualified(req.adjoints.get(i), hconf);
            jUris[i] = StoredArrays.qualified(req.jacobians.get(i), hconf);
        }
        BlockJob.Run r = BlockJob.run(
                ctx,
                new BlockJob.Spec("contract", plan, req.rowsPerTask, List.of(output), where),
                frame -> broadcast
                        ? new ContractWork(js, uris, in.adjointHeaders, frame)
                        : new ContractWork(jUris, in.jacobianHeaders, PANEL_BYTES, uris, in.adjointHeaders, frame),
                log);
        double secs = (System.nanoTime() - start) / 1e9;
        if (log != null) {
            double load = (loaded - start) / 1e9;
            double tasks = r.tasksNanos() / 1e9;
            double commit = r.commitNanos() / 1e9;
            log.accept(String.format(
                    Locale.ROOT,
                    "contract: wrote %s %s in %.2f s: load J %.2f s, plan and broadcast"
                            + " %.2f s, tasks %.2f s (%.2f s of compute summed over tasks), commit %.2f s",
                    req.out,
                    in.result,
                    secs,
                    load,
                    secs - load - tasks - commit,
                    tasks,
                    r.computeNanos() / 1e9,
                    commit));
        }
        return new Summary(
                r.blocks(), r.planReason(), kinds, secs, r.computeNanos() / 1e9, output.layout(), decision.kind());
    }

    /** Rows of J held at a time per task in the streamed plan: panels of at most this many bytes. */
    static final long PANEL_BYTES = 64L << 20;

    /** Bytes of the Jacobian files one streamed task reads ({@link StreamedContraction#bytesRead}). */
    private static long streamBytes(ContractInputs in) {
        long b = 0;
        for (var h : in.jacobianHeaders) {
            b += StreamedContraction.bytesRead(h, PANEL_BYTES);
        }
        return b;
    }

    private static long maxJacobianRows(ContractInputs in) {
        long n = 0;
        for (var h : in.jacobianHeaders) {
            n = Math.max(n, NpyReader.rows(h, 2));
        }
        return n;
    }
}
