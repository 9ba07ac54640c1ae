package io.adjoint.driver.block;

import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.exec.TestHooks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * The per-block loop every job's tasks run, written once. For each block index of the partition:
 * <ol>
 *   <li>when resuming and every output holds the block intact, report it reused and go on;</li>
 *   <li>compute rows [r0, r1) of every result ({@link BlockWork.Computation#compute}), timed;</li>
 *   <li>write each result's rows to its output, then record them ({@link CommitProtocol#commitBlock});</li>
 *   <li>report the block (index, rows, compute time).</li>
 * </ol>
 * The one failure rule: an exception anywhere fails the task, and Spark retries it; a block is recorded only
 * after all its rows are written, so a failed attempt is never taken for a finished block. The test hook
 * {@code failFirstAttempt} writes NaN rows to every output (as a dying task might) and fails before recording.
 */
public final class BlockTask<W extends BlockWork> implements FlatMapFunction<Iterator<Integer>, BlockReport> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<W> work;

    public BlockTask(Broadcast<W> work) {
        this.work = work;
    }

    @Override
    public Iterator<BlockReport> call(Iterator<Integer> blockIds) throws IOException {
        // the first attempt of a fresh run writes into ranges nothing has touched
        org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
        return run(work.value(), blockIds, tc != null && tc.attemptNumber() == 0)
                .iterator();
    }

    /**
     * The loop over {@code blockIds}, for a Spark task or a driver thread ({@link DriverTasks}); {@code first}: no
     * earlier attempt can have written to these blocks' ranges.
     */
    static List<BlockReport> run(BlockWork w, Iterator<Integer> blockIds, boolean first) throws IOException {
        Configuration conf = w.conf().get();
        CommitProtocol[] outputs = w.outputs();
        List<BlockReport> done = new ArrayList<>();
        try (BlockWork.Computation c = w.open()) {
            while (blockIds.hasNext()) {
                int b = blockIds.next();
                long r0 = w.blocks().start(b);
                long r1 = w.blocks().end(b);
                if (intact(outputs, conf, b, r0, (int) (r1 - r0))) {
                    done.add(new BlockReport(b, r1 - r0, 0, true));
                    continue;
                }
                w.hooks().pause();
                long t0 = System.nanoTime();
                DMatrixRMaj[] rows = c.compute(r0, r1);
                long nanos = System.nanoTime() - t0;
                boolean fail = w.hooks().shouldFail(b);
                for (int i = 0; i < outputs.length; i++) {
                    if (fail) {
                        Arrays.fill(rows[i].data, 0, rows[i].getNumElements(), Double.NaN);
                    }
                    outputs[i].sink(conf, b, first).write(r0, rows[i]);
                }
                if (fail) {
                    throw TestHooks.failure(b);
                }
                for (int i = 0; i < outputs.length; i++) {
                    outputs[i].commitBlock(conf, b, rows[i]);
                }
                done.add(new BlockReport(b, r1 - r0, nanos));
            }
        }
        return done;
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
