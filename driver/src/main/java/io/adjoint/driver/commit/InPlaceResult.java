package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.contract.PositionalFileSink;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;

/**
 * The in-place layout, for the local file system: {@link #setupJob} creates the temporary {@code .npy} with its
 * header at full size (a sparse file) and the {@link ResumeJournal}; each task writes its rows into their byte
 * range (C order makes a block of rows one contiguous range) and records the block's checksum; {@link #commitJob}
 * checks the size and renames the temporary to the destination in one atomic move. {@link #abortJob} deletes the
 * temporary and the journal. No result bytes pass through the driver.
 */
public final class InPlaceResult extends JournaledFile {
    private static final long serialVersionUID = 1L;
    private final long[] shape;
    private final long dataOffset;
    private final long cols;

    InPlaceResult(String dest, String tmp, ResumeJournal journal, long[] shape) {
        super(dest, tmp, journal);
        this.shape = shape.clone();
        this.dataOffset = NpyWriter.header(shape).length;
        this.cols = shape[shape.length - 2] * shape[shape.length - 1]; // rows: the leading axes
    }

    /** Continues the interrupted run when its journal and a full-size temporary are there; else starts over. */
    void loadJournal() throws IOException {
        loadJournal(NpyWriter.fileSize(shape));
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        createTemporary(rowsPerBlock, NpyWriter.header(shape), NpyWriter.fileSize(shape));
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return new PositionalFileSink(Paths.get(tmp), dataOffset, cols);
    }

    /** On a first write, zero segments are skipped: the temporary was created sparse, and stays so there. */
    @Override
    public BlockSink sink(Configuration conf, int block, boolean firstWrite) {
        return new PositionalFileSink(Paths.get(tmp), dataOffset, cols, firstWrite && !resuming());
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) throws IOException {
        journal.record(block, data.data, data.getNumElements(), data.numRows);
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rows) throws IOException {
        String want = journal.recorded(block, rows);
        if (want == null) {
            return false;
        }
        int n = Math.toIntExact(rows * cols);
        double[] d = new double[n];
        try (FileByteSource src = new FileByteSource(Paths.get(tmp))) {
            byte[] buf = new byte[n * 8];
            src.readFully(dataOffset + r0 * cols * 8, buf, 0, buf.length);
            ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
        }
        return Long.toHexString(ResumeJournal.crc(d, n)).equals(want);
    }

    @Override
    public void commitJob(Configuration conf, int blocks) throws IOException {
        commitTemporary(NpyWriter.fileSize(shape));
    }
}
