package io.adjoint.driver.block;

import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.exec.Faults;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopConf;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * What a job broadcasts to its tasks: the row blocks, one output per result, the storage settings, the fault injection of
 * tests ({@link Frame}), and — the one thing each job writes — how to compute a block ({@link #open}). The per-block loop around it
 * (resume check, timing, fault hooks, write, record, report) is {@link BlockTask}'s, the same for every job.
 */
public abstract class BlockWork implements Serializable {
    private static final long serialVersionUID = 1L;
    private final RowBlocks blocks;
    private final CommitProtocol[] outputs;
    private final HadoopConf conf;
    private final Faults faults;

    /**
     * What every job's work holds, made by {@link BlockJob} for the final row blocks: the blocks, one output per
     * result, the storage settings, and the fault injection of tests.
     */
    public record Frame(RowBlocks blocks, List<CommitProtocol> outputs, HadoopConf conf, Faults faults) {}

    protected BlockWork(Frame frame) {
        this.blocks = frame.blocks();
        this.outputs = frame.outputs().toArray(new CommitProtocol[0]);
        this.conf = frame.conf();
        this.faults = frame.faults();
    }

    /** The row blocks of this run. */
    public RowBlocks blocks() {
        return blocks;
    }

    /** One output per result; block b of result i goes to {@code outputs()[i]}. */
    public CommitProtocol[] outputs() {
        return outputs;
    }

    /** Storage settings for executors. */
    public HadoopConf conf() {
        return conf;
    }

    /** Fault injection for tests ({@link Faults#NONE} unless set). */
    public Faults faults() {
        return faults;
    }

    /** Opens what one partition's blocks share (files, buffers); closed when the partition is done. */
    public abstract Computation open() throws IOException;

    /** Computes blocks of rows for one partition. */
    public interface Computation extends Closeable {
        /**
         * Rows [r0, r1) of every result, one matrix of r1 − r0 rows per output, in output order. The matrices may
         * be buffers reused by the next call.
         */
        DMatrixRMaj[] compute(long r0, long r1) throws IOException;

        @Override
        default void close() throws IOException {}
    }
}
