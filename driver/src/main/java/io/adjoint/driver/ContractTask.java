package io.adjoint.driver;

import io.adjoint.core.contract.BlockContraction;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * The Spark side of a {@code contract} task: reads the broadcast once, opens each adjoint through the
 * Hadoop FileSystem, and for each block index in its partition runs {@link BlockContraction} and hands
 * the rows to the output sink. All math is in executor-core; this class only wires Spark to it.
 */
final class ContractTask implements FlatMapFunction<Iterator<Integer>, BlockReport> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ContractTaskData> data;

    ContractTask(Broadcast<ContractTaskData> data) {
        this.data = data;
    }

    @Override
    public Iterator<BlockReport> call(Iterator<Integer> blockIds) throws IOException {
        ContractTaskData d = data.value();
        List<BlockReport> done = new ArrayList<>();
        List<ByteSource> sources = new ArrayList<>();
        try {
            for (String uri : d.adjointUris) {
                sources.add(HadoopByteSource.open(uri, d.conf.get()));
            }
            List<NpyHeader> headers = Arrays.asList(d.adjointHeaders);
            DMatrixRMaj scratch = new DMatrixRMaj(1, 1);
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            while (blockIds.hasNext()) {
                int b = blockIds.next();
                long r0 = d.blocks.start(b);
                long r1 = d.blocks.end(b);
                if (d.output.resuming() && d.output.verify(d.conf.get(), b, r0, (int) (r1 - r0))) {
                    done.add(new BlockReport(b, r1 - r0, 0, true));
                    continue;
                }
                d.hooks.pause();
                long t0 = System.nanoTime();
                BlockContraction.compute(sources, headers, Arrays.asList(d.jacobians), r0, r1, scratch, out);
                long nanos = System.nanoTime() - t0;
                if (d.hooks.shouldFail(b)) {
                    Arrays.fill(out.data, 0, out.getNumElements(), Double.NaN);
                    d.output.sink(d.conf.get(), b).write(r0, out);
                    throw TestHooks.failure(b);
                }
                d.output.sink(d.conf.get(), b).write(r0, out);
                d.output.record(d.conf.get(), b, out);
                done.add(new BlockReport(b, r1 - r0, nanos));
            }
        } finally {
            for (ByteSource s : sources) {
                s.close();
            }
        }
        return done.iterator();
    }
}
