package io.adjoint.driver.block;

import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import org.ejml.data.DMatrixRMaj;

/**
 * What a job broadcasts to its tasks: the row blocks, one output per result, the storage settings, and how to
 * compute a block. The per-block loop around it (resume check, timing, fault hooks, write, record, report) is
 * {@link BlockTask}'s, the same for every job.
 */
public interface BlockWork extends Serializable {
    /** The row blocks of this run. */
    RowBlocks blocks();

    /** One output per result; block b of result i goes to {@code outputs()[i]}. */
    CommitProtocol[] outputs();

    /** Storage settings for executors. */
    HadoopConf conf();

    /** Fault injection for tests (off unless set). */
    TestHooks hooks();

    /** Opens what one partition's blocks share (files, buffers); closed when the partition is done. */
    Computation open() throws IOException;

    /** Computes blocks of rows for one partition. */
    interface Computation extends Closeable {
        /**
         * Rows [r0, r1) of every result, one matrix of r1 − r0 rows per output, in output order. The matrices may
         * be buffers reused by the next call.
         */
        DMatrixRMaj[] compute(long r0, long r1) throws IOException;

        @Override
        default void close() throws IOException {}
    }
}
