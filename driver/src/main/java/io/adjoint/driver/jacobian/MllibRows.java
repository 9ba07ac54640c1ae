package io.adjoint.driver.jacobian;

import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.exec.Faults;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.ejml.data.DMatrixRMaj;

/** The MLlib adapter: a Jacobian as a lazily computed {@link IndexedRowMatrix}, for users whose next step is MLlib. */
public final class MllibRows {
    private MllibRows() {}

    /**
     * The (p·q) × (k·l) matricization of ∂out/∂{@code wrt} as an MLlib {@link IndexedRowMatrix}, computed lazily
     * by the same distributed sweep, without a file (the request needs no output folder): for users whose next
     * step is MLlib. Row i·q + j holds ∂out[i,j]/∂X flattened row-major. Each partition sweeps one block of rows
     * when evaluated; cache the matrix if it is used more than once. {@code .toBlockMatrix()} gives a BlockMatrix.
     * Cost: the tape is broadcast once per call; evaluating the matrix runs one reverse sweep per block.
     */
    public static IndexedRowMatrix of(JavaSparkContext jsc, JacobianInputs in, String wrt) {
        int i = in.wrt.indexOf(wrt);
        if (i < 0) {
            throw new IllegalArgumentException(wrt + " was not requested (wrt " + String.join(",", in.wrt) + ")");
        }
        RowColouring[] seeding = {Seeding.of(in)[i]};
        RowBlocks blocks = Seeding.plan(
                        JobContext.of(jsc),
                        in,
                        Placement.serializedBytes(in.tape),
                        seeding,
                        StarSeeding.none(in.wrt.size()))
                .blocks();
        int size = in.wrtShapes.get(wrt).size();
        SweepWork work = new SweepWork(
                in.tape,
                new int[] {in.wrtNodes[i]},
                new int[] {size},
                seeding,
                new io.adjoint.core.sparsity.StarBlock[1],
                new SparsityPattern[1],
                new BlockWork.Frame(blocks, List.of(), new HadoopConf(jsc.hadoopConfiguration()), Faults.NONE));
        Broadcast<SweepWork> bc = jsc.broadcast(work);
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < blocks.count(); b++) {
            ids.add(b);
        }
        JavaRDD<IndexedRow> rows = jsc.parallelize(ids, Math.max(1, ids.size())).flatMap(b -> {
            SweepWork d = bc.value();
            long r0 = d.blocks().start(b);
            long r1 = d.blocks().end(b);
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
