package io.adjoint.driver;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.adjoint.core.linalg.DenseJacobian;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.linalg.SparseJacobian;
import io.adjoint.core.npy.NpyDtype;
import io.adjoint.core.npy.NpyHeader;
import org.apache.spark.serializer.KryoRegistrator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;

/**
 * Registers every class of ours that Spark serializes with Kryo (broadcasts, task results), so that
 * {@code spark.kryo.registrationRequired=true} can stay on.
 */
public final class AdjointKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ContractTaskData.class);
        kryo.register(BlockReport.class);
        kryo.register(BlockReport[].class);
        kryo.register(RowBlocks.class);
        kryo.register(TestHooks.class);
        // The jacobian tape holds LocalJacobians of user ops too (any Serializable class found through
        // ServiceLoader), so it travels with Java serialization inside Kryo.
        kryo.register(JacobianTask.Data.class, new JavaSerializer());
        kryo.register(GradcheckJob.Data.class, new JavaSerializer());
        kryo.register(GradcheckJob.Region.class);
        kryo.register(GradcheckJob.Probe.class);
        kryo.register(GradcheckJob.Probe[].class);
        kryo.register(io.adjoint.core.check.TileStats.class);
        kryo.register(io.adjoint.core.check.TileStats[].class);
        kryo.register(io.adjoint.core.check.TileStats.Entry.class);
        kryo.register(java.util.ArrayList.class);
        kryo.register(Object[].class);
        kryo.register(org.apache.spark.mllib.linalg.distributed.IndexedRow.class);
        kryo.register(org.apache.spark.mllib.linalg.DenseVector.class);
        kryo.register(double[][].class);
        kryo.register(ResultOutput.Local.class);
        kryo.register(ResultOutput.Parts.class);
        kryo.register(HadoopConf.class, new JavaSerializer());
        kryo.register(JacobianOperand[].class);
        kryo.register(DenseJacobian.class);
        kryo.register(SparseJacobian.class);
        kryo.register(Shape4.class);
        kryo.register(NpyHeader.class);
        kryo.register(NpyHeader[].class);
        kryo.register(NpyDtype.class);
        kryo.register(DMatrixRMaj.class);
        kryo.register(DMatrixSparseCSC.class);
        kryo.register(double[].class);
        kryo.register(int[].class);
        kryo.register(long[].class);
        kryo.register(String[].class);
    }
}
