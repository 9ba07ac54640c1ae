package io.adjoint.driver;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Tape;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * The Spark side of a {@code jacobian} task: for each block index, run the reverse sweep of
 * executor-core over the broadcast tape for rows [r0, r1) and hand each requested input's block to its
 * output. No forward work happens here.
 */
final class JacobianTask implements FlatMapFunction<Iterator<Integer>, BlockReport> {
    private static final long serialVersionUID = 1L;

    /** What every task needs, broadcast once. */
    static final class Data implements Serializable {
        private static final long serialVersionUID = 1L;
        final Tape tape;
        /** Graph node of each requested input, −1 when the expression does not use it (zeros). */
        final int[] wrtNodes;
        final int[] wrtSizes;
        final RowBlocks blocks;
        final ResultOutput[] outputs;
        final HadoopConf conf;
        final TestHooks hooks;

        Data(Tape tape, int[] wrtNodes, int[] wrtSizes, RowBlocks blocks, ResultOutput[] outputs, HadoopConf conf,
                TestHooks hooks) {
            this.tape = tape;
            this.wrtNodes = wrtNodes;
            this.wrtSizes = wrtSizes;
            this.blocks = blocks;
            this.outputs = outputs;
            this.conf = conf;
            this.hooks = hooks;
        }

        /** The blocks of rows [r0, r1) for every requested input. */
        DMatrixRMaj[] sweep(long r0, long r1) {
            int used = 0;
            for (int w : wrtNodes) {
                if (w >= 0) {
                    used++;
                }
            }
            int[] ids = new int[used];
            int k = 0;
            for (int w : wrtNodes) {
                if (w >= 0) {
                    ids[k++] = w;
                }
            }
            DMatrixRMaj[] got = used == 0 ? new DMatrixRMaj[0] : ReverseSweep.sweep(tape, ids, r0, r1);
            DMatrixRMaj[] out = new DMatrixRMaj[wrtNodes.length];
            k = 0;
            for (int i = 0; i < wrtNodes.length; i++) {
                out[i] = wrtNodes[i] >= 0 ? got[k++] : new DMatrixRMaj((int) (r1 - r0), wrtSizes[i]);
            }
            return out;
        }
    }

    private final Broadcast<Data> data;

    JacobianTask(Broadcast<Data> data) {
        this.data = data;
    }

    @Override
    public Iterator<BlockReport> call(Iterator<Integer> blockIds) throws IOException {
        Data d = data.value();
        List<BlockReport> done = new ArrayList<>();
        while (blockIds.hasNext()) {
            int b = blockIds.next();
            long r0 = d.blocks.start(b);
            long r1 = d.blocks.end(b);
            if (d.outputs.length > 0 && d.outputs[0].resuming()) {
                boolean all = true;
                for (ResultOutput o : d.outputs) {
                    all &= o.verify(d.conf.get(), b, r0, (int) (r1 - r0));
                }
                if (all) {
                    done.add(new BlockReport(b, r1 - r0, 0, true));
                    continue;
                }
            }
            d.hooks.pause();
            long t0 = System.nanoTime();
            DMatrixRMaj[] blocks = d.sweep(r0, r1);
            long nanos = System.nanoTime() - t0;
            boolean fail = d.hooks.shouldFail(b);
            for (int i = 0; i < blocks.length; i++) {
                if (fail) {
                    Arrays.fill(blocks[i].data, Double.NaN);
                }
                d.outputs[i].sink(d.conf.get(), b).write(r0, blocks[i]);
                if (!fail) {
                    d.outputs[i].record(d.conf.get(), b, blocks[i]);
                }
            }
            if (fail) {
                throw TestHooks.failure(b);
            }
            done.add(new BlockReport(b, r1 - r0, nanos));
        }
        return done.iterator();
    }
}
