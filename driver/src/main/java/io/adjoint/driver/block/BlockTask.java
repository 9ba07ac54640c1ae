package io.adjoint.driver.block;

import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.exec.Faults;
import io.adjoint.driver.exec.Tasks;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;

/**
 * The per-block task every block job runs, written once, on a driver thread or in a Spark task ({@link Tasks}):
 * <ol>
 *   <li>when resuming and every output holds the block intact, report it reused;</li>
 *   <li>compute rows [r0, r1) of every result ({@link BlockWork.Computation#compute}), timed;</li>
 *   <li>write each result's rows to its output, then record them ({@link CommitProtocol#commitBlock});</li>
 *   <li>report the block (index, rows, compute time).</li>
 * </ol>
 * The one failure rule: an exception anywhere fails the task, and Spark retries it; a block is recorded only
 * after all its rows are written, so a failed attempt is never taken for a finished block. An injected fault
 * ({@link Faults#failsBlock}) writes NaN rows to every output (as a dying task might) and fails before recording.
 */
final class BlockTask<W extends BlockWork> implements Tasks.Task<W, Integer, BlockReport> {
    private static final long serialVersionUID = 1L;

    @Override
    public BlockReport run(W w, Integer block) throws IOException {
        int b = block;
        int attempt = Tasks.attempt();
        Configuration conf = w.conf().get();
        CommitProtocol[] outputs = w.outputs();
        long r0 = w.blocks().start(b);
        long r1 = w.blocks().end(b);
        if (intact(outputs, conf, b, r0, (int) (r1 - r0))) {
            return new BlockReport(b, r1 - r0, 0, true);
        }
        try (BlockWork.Computation c = w.open()) {
            w.faults().beforeBlock(b);
            long t0 = System.nanoTime();
            DMatrixRMaj[] rows = c.compute(r0, r1);
            long nanos = System.nanoTime() - t0;
            boolean fail = w.faults().failsBlock(b, attempt);
            for (int i = 0; i < outputs.length; i++) {
                if (fail) {
                    Arrays.fill(rows[i].data, 0, rows[i].getNumElements(), Double.NaN);
                }
                // the first attempt of a fresh run writes into ranges nothing has touched
                outputs[i].sink(conf, b, attempt == 0).write(r0, rows[i]);
            }
            if (fail) {
                throw Faults.injected(b, attempt);
            }
            for (int i = 0; i < outputs.length; i++) {
                outputs[i].commitBlock(conf, b, rows[i]);
            }
            return new BlockReport(b, r1 - r0, nanos);
        }
    }

    private static boolean intact(CommitProtocol[] outputs, Configuration conf, int b, long r0, int rows)
            throws IOException {
        if (outputs.length == 0 || !outputs[0].resuming()) {
            return false;
        }
        for (CommitProtocol o : outputs) {
            if (!o.isIntact(conf, b, r0, rows)) {
                return false;
            }
        }
        return true;
    }
}
