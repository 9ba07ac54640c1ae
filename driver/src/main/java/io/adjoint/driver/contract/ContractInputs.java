package io.adjoint.driver.contract;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.contract.ContractionShapes;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The validated inputs of a {@code contract} job: every header read and checked, every shape rule
 * verified, whether the Jacobians can be broadcast (budget, driver heap) decided from the headers alone, and the
 * destination checked — all on
 * the driver, before Spark starts, reading only the headers (a few hundred bytes per file). The one place these
 * checks live; the CLI only maps options to a {@link ContractRequest}.
 */
public final class ContractInputs {
    public final ContractRequest request;
    public final NpyHeader[] adjointHeaders;
    public final NpyHeader[] jacobianHeaders;
    public final Shape4 result;
    /** Σ_t n_t·m_t·k·l·8: the dense size of the Jacobians. */
    public final long jacobianBytes;

    public final long budget;
    /** Why the broadcast plan is impossible (budget, driver heap, array limit), or null when it is possible. */
    public final String broadcastRefusal;
    /** {@link #broadcastRefusal} in a few words, for the plan line; null when the broadcast is possible. */
    public final String broadcastObstacle;

    /** Whether the Jacobians may be broadcast: the budget, and why not (in full and in a few words), or nulls. */
    private record Broadcast(long budget, String refusal, String obstacle) {}

    private ContractInputs(
            ContractRequest request, NpyHeader[] ah, NpyHeader[] jh, Shape4 result, long jacobianBytes, Broadcast b) {
        this.request = request;
        this.adjointHeaders = ah;
        this.jacobianHeaders = jh;
        this.result = result;
        this.jacobianBytes = jacobianBytes;
        this.budget = b.budget();
        this.broadcastRefusal = b.refusal();
        this.broadcastObstacle = b.obstacle();
    }

    /** Default broadcast budget: a quarter of the driver heap, at most 2 GiB. */
    public static long defaultBudget() {
        return Math.min(2L << 30, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * Checks everything that can be checked without Spark.
     *
     * @throws InvalidInputException naming the argument or file and what is wrong
     */
    public static ContractInputs prepare(ContractRequest req, Configuration conf) throws IOException {
        if (req.adjoints.size() != req.jacobians.size()) {
            throw new InvalidInputException("got " + req.adjoints.size() + " --adjoint and " + req.jacobians.size()
                    + " --jacobian: they pair by order, so give as many of each");
        }
        if (req.adjoints.isEmpty()) {
            throw new InvalidInputException("give at least one --adjoint A.npy --jacobian J.npy pair");
        }
        if (req.out == null || req.out.isEmpty()) {
            throw new InvalidInputException("--out is required");
        }
        BlockPlanner.checkRequested(req.rowsPerTask);
        if (!(req.sparseDensity >= 0 && req.sparseDensity <= 1)) {
            throw new InvalidInputException("--sparse-below must be between 0 and 1, got " + req.sparseDensity);
        }
        if (req.broadcastBudget < 0) {
            throw new InvalidInputException("--broadcast-budget must be positive, got " + req.broadcastBudget);
        }
        int t = req.adjoints.size();
        NpyHeader[] ah = new NpyHeader[t];
        NpyHeader[] jh = new NpyHeader[t];
        List<Shape4> as = new ArrayList<>();
        List<Shape4> js = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            ah[i] = StoredArrays.header("--adjoint ", req.adjoints.get(i), conf);
            as.add(ContractionShapes.require4d("an adjoint", req.adjoints.get(i), ah[i]));
            jh[i] = StoredArrays.header("--jacobian ", req.jacobians.get(i), conf);
            js.add(ContractionShapes.require4d("a Jacobian", req.jacobians.get(i), jh[i]));
        }
        Shape4 result = ContractionShapes.resultShape(req.adjoints, as, req.jacobians, js);
        Destinations.checkFile(req.out, req.overwrite, conf);
        List<String> reads = new ArrayList<>(req.adjoints);
        reads.addAll(req.jacobians);
        Destinations.refuseOverwritingInputs("--out " + req.out, List.of(new Path(req.out)), reads, conf);
        long budget = req.broadcastBudget > 0 ? req.broadcastBudget : defaultBudget();
        long total = 0;
        String refusal = null;
        String obstacle = null;
        for (int i = 0; i < t; i++) {
            long bytes = Math.multiplyExact(jh[i].elementCount(), 8L);
            total = Math.addExact(total, bytes);
            Shape4 j = js.get(i);
            if (refusal == null
                    && (j.rows() > Integer.MAX_VALUE
                            || j.cols() > Integer.MAX_VALUE
                            || j.rows() * j.cols() > Integer.MAX_VALUE - 8)) {
                refusal = req.jacobians.get(i) + ": Jacobian " + j + " is " + j.rows() + "×" + j.cols()
                        + " flattened, more than one in-memory matrix holds (2^31 elements)";
                obstacle = "a Jacobian exceeds 2^31 elements";
            }
        }
        if (refusal == null && total > budget) {
            refusal = (t == 1 ? req.jacobians.get(0) + ": the Jacobian " + js.get(0) : "the " + t + " Jacobians")
                    + " take " + BlockPlanner.human(total) + " as float64, over the broadcast budget of "
                    + BlockPlanner.human(budget)
                    + "; raise it with --broadcast-budget (spark.adjoint.broadcastBudget), e.g. "
                    + "--broadcast-budget " + ((total >> 30) + 1)
                    + "g, with a driver and executors that have the memory, or use --plan streamed";
            obstacle = "J " + BlockPlanner.human(total) + " over the budget of " + BlockPlanner.human(budget);
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (refusal == null && 2 * total + (300L << 20) > heap) {
            // the driver holds the Jacobians and the broadcast's serialized copy of them, beside Spark itself
            long gib = ((2 * total + (300L << 20)) >> 30) + 1;
            refusal = "the Jacobians take " + BlockPlanner.human(total) + ", and the driver"
                    + " holds them twice (the matrices and their broadcast) in a heap of " + BlockPlanner.human(heap)
                    + "; raise it to at least " + gib + "g (bin/adjoint: ADJOINT_DRIVER_MEMORY; spark-submit:"
                    + " --driver-memory), or use --plan streamed";
            obstacle = "the driver heap of " + BlockPlanner.human(heap) + " cannot hold J twice";
        }
        if (refusal != null && req.plan == ContractPlan.Choice.BROADCAST) {
            throw new InvalidInputException("--plan broadcast: " + refusal);
        }
        return new ContractInputs(req, ah, jh, result, total, new Broadcast(budget, refusal, obstacle));
    }
}
