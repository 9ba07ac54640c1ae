package io.adjoint.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.adjoint.core.check.TileStats;
import io.adjoint.core.linalg.DenseJacobian;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.linalg.SparseJacobian;
import io.adjoint.core.npy.NpyDtype;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.block.BlockReport;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.commit.Fingerprint;
import io.adjoint.driver.commit.InPlaceResult;
import io.adjoint.driver.commit.PartFilesResult;
import io.adjoint.driver.commit.ResumeJournal;
import io.adjoint.driver.contract.ContractWork;
import io.adjoint.driver.exec.Faults;
import io.adjoint.driver.gradcheck.CheckData;
import io.adjoint.driver.gradcheck.Projection;
import io.adjoint.driver.gradcheck.TileRegion;
import io.adjoint.driver.jacobian.SweepWork;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.products.ProductJob;
import io.adjoint.driver.products.ProductWork;
import io.adjoint.driver.storage.HadoopConf;
import java.util.ArrayList;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
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
        kryo.register(ContractWork.class);
        kryo.register(BlockReport.class);
        kryo.register(BlockReport[].class);
        kryo.register(RowBlocks.class);
        kryo.register(Faults.NONE.getClass(), new JavaSerializer());
        kryo.register(Faults.SettingFaults.class, new JavaSerializer());
        // The jacobian tape and the gradcheck data hold LocalJacobians of user ops too (any Serializable class
        // found through ServiceLoader), so they travel with Java serialization inside Kryo.
        kryo.register(SweepWork.class, new JavaSerializer());
        kryo.register(CheckData.class, new JavaSerializer());
        kryo.register(io.adjoint.driver.jacobian.StarSeeding.Shared.class, new JavaSerializer());
        kryo.register(io.adjoint.driver.gradcheck.CompressedRows.class, new JavaSerializer());
        kryo.register(ProductWork.class, new JavaSerializer());
        kryo.register(ProductJob.InMemory.class, new JavaSerializer());
        kryo.register(DMatrixRMaj[].class);
        kryo.register(TileRegion.class);
        kryo.register(Projection.class);
        kryo.register(Projection[].class);
        kryo.register(TileStats.class);
        kryo.register(TileStats[].class);
        kryo.register(TileStats.Entry.class);
        kryo.register(ArrayList.class);
        kryo.register(Object[].class);
        kryo.register(IndexedRow.class);
        kryo.register(DenseVector.class);
        kryo.register(double[][].class);
        kryo.register(CommitProtocol[].class);
        kryo.register(CommitProtocol.Layout.class);
        kryo.register(InPlaceResult.class);
        kryo.register(PartFilesResult.class);
        // the executor that joins part files receives the result object (its pattern: Java-serializable)
        kryo.register(io.adjoint.driver.commit.CsrPartsResult.class, new JavaSerializer());
        kryo.register(ResumeJournal.class);
        // a record: Kryo 4's field serializer cannot set a record's final fields, Java serialization can
        kryo.register(Fingerprint.class, new JavaSerializer());
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
