package io.adjoint.core.contract;

import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.ejml.data.DMatrixRMaj;

/**
 * Writes a block of rows into its byte range of a pre-sized C-order {@code <f8} file:
 * rows [r0, r1) live at {@code dataOffset + r0·cols·8}. The file must exist with its header written
 * (the driver creates it); tasks only overwrite their own range, so concurrent tasks and retries are safe.
 */
public final class PositionalFileSink implements BlockSink {
    private final Path file;
    private final long dataOffset;
    private final long cols;

    public PositionalFileSink(Path file, long dataOffset, long cols) {
        this.file = file;
        this.dataOffset = dataOffset;
        this.cols = cols;
    }

    @Override
    public void write(long r0, DMatrixRMaj block) throws IOException {
        if (block.numCols != cols) {
            throw new IllegalArgumentException("block has " + block.numCols + " columns, file rows have " + cols);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            NpyWriter.writeAt(ch, dataOffset + r0 * cols * 8, block.data, 0, block.getNumElements());
        }
    }
}
