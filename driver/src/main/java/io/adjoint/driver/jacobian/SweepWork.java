package io.adjoint.driver.jacobian;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Tape;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.block.TestHooks;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import org.ejml.data.DMatrixRMaj;

/**
 * What every {@code jacobian} task needs, broadcast once (Java-serialized inside Kryo: the tape may hold user
 * ops' local Jacobians): the tape, the requested inputs' node ids, and the outputs. A block is one reverse sweep of
 * executor-core over the tape for rows [r0, r1); no forward work happens on executors.
 */
public final class SweepWork extends BlockWork {
    private static final long serialVersionUID = 1L;
    private final Tape tape;
    /** Graph node of each requested input, −1 when the expression does not use it (zeros). */
    private final int[] wrtNodes;

    private final int[] wrtSizes;

    SweepWork(
            Tape tape,
            int[] wrtNodes,
            int[] wrtSizes,
            RowBlocks blocks,
            CommitProtocol[] outputs,
            HadoopConf conf,
            TestHooks hooks) {
        super(blocks, outputs, conf, hooks);
        this.tape = tape;
        this.wrtNodes = wrtNodes;
        this.wrtSizes = wrtSizes;
    }

    @Override
    public Computation open() {
        return this::sweep;
    }

    /** The blocks of rows [r0, r1) for every requested input: rows of ∂out/∂X, (r1 − r0) × size(X). */
    DMatrixRMaj[] sweep(long r0, long r1) {
        int[] ids = java.util.Arrays.stream(wrtNodes).filter(w -> w >= 0).toArray();
        DMatrixRMaj[] got = ids.length == 0 ? new DMatrixRMaj[0] : ReverseSweep.sweep(tape, ids, r0, r1);
        DMatrixRMaj[] out = new DMatrixRMaj[wrtNodes.length];
        int k = 0;
        for (int i = 0; i < wrtNodes.length; i++) {
            out[i] = wrtNodes[i] >= 0 ? got[k++] : new DMatrixRMaj((int) (r1 - r0), wrtSizes[i]);
        }
        return out;
    }
}
