package io.adjoint.driver.gradcheck;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.block.BlockJob;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.plan.BlockPlanner;
import java.io.IOException;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The analytic side of a structured full-mode check: the compressed rows of ∂out/∂x, one per colour of the row
 * colouring — row g = Σ over the output rows ρ of colour g of J[ρ, :], by one reverse sweep seeded with the sum of
 * their identity rows — written as a (colours × k·l) {@code .npy} to the check's work folder. The colours are
 * split across tasks as a Jacobian's rows are. Cost: one sweep of colours rows in all (n for the MLP d/dX, instead
 * of n²), a file colours/(p·q) the size of the Jacobian.
 */
public final class CompressedRows extends BlockWork {
    private static final long serialVersionUID = 1L;
    private final Tape tape;
    private final int wrtNode;
    private final RowColouring colouring;

    private CompressedRows(Tape tape, int wrtNode, RowColouring colouring, Frame frame) {
        super(frame);
        this.tape = tape;
        this.wrtNode = wrtNode;
        this.colouring = colouring;
    }

    @Override
    public Computation open() {
        return this::rows;
    }

    /** Compressed rows [g0, g1): the sweep seeded with each colour's identity rows. */
    DMatrixRMaj[] rows(long g0, long g1) {
        int pq = tape.graph.outputShape().size();
        DMatrixRMaj seed = new DMatrixRMaj((int) (g1 - g0), pq);
        for (int rho = 0; rho < pq; rho++) {
            int g = colouring.colour(rho);
            if (g >= g0 && g < g1) {
                seed.data[(int) (g - g0) * pq + rho] = 1.0;
            }
        }
        return new DMatrixRMaj[] {ReverseSweep.sweepSeeded(tape, new int[] {wrtNode}, seed)[0]};
    }

    /** Writes the compressed rows to {@code dest} (a new file in the check's work folder). */
    static void run(JobContext ctx, Tape tape, int wrtNode, RowColouring colouring, int cols, String dest)
            throws IOException {
        Placement where = Placement.decide(ctx, colouring.colours() * tape.graph.forwardFlops());
        long sweep = io.adjoint.core.graph.ReverseSweep.peakLiveColumns(tape.graph, new int[] {wrtNode});
        BlockPlanner.Plan plan = BlockPlanner.plan(
                ctx, BlockPlanner.Need.rows(colouring.colours(), sweep, cols).broadcast(where.broadcastBytes(tape)));
        CommitProtocol out = CommitProtocol.forDestination(
                dest, new long[] {colouring.colours(), 1, cols}, true, false, ctx.hadoopConfiguration());
        BlockJob.run(
                ctx,
                new BlockJob.Spec("gradcheck", plan, null, List.of(out), where),
                frame -> new CompressedRows(tape, wrtNode, colouring, frame),
                null);
    }
}
