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
 *
 * <p>Writing into a range nothing has written since the file was created sparse, whole aligned 4 KiB pages of
 * +0.0 are skipped: they already read as zeros, and the file stays sparse there (a diagonal Jacobian of n⁴ entries
 * occupies about n² of them on disk). Only a first write may skip: a retry may find an earlier attempt's bytes.
 */
public final class PositionalFileSink implements BlockSink {
    private final Path file;
    private final long dataOffset;
    private final long cols;
    private final boolean skipZeroSegments;
    /** Skipped segments are this large and aligned to it in the file. */
    static final int SEGMENT = 1 << 12;

    public PositionalFileSink(Path file, long dataOffset, long cols) {
        this(file, dataOffset, cols, false);
    }

    /** With {@code skipZeroSegments}, for a range of a sparse file nothing has written yet (see above). */
    public PositionalFileSink(Path file, long dataOffset, long cols, boolean skipZeroSegments) {
        this.file = file;
        this.dataOffset = dataOffset;
        this.cols = cols;
        this.skipZeroSegments = skipZeroSegments;
    }

    @Override
    public void write(long r0, DMatrixRMaj block) throws IOException {
        if (block.numCols != cols) {
            throw new IllegalArgumentException("block has " + block.numCols + " columns, file rows have " + cols);
        }
        long start = dataOffset + r0 * cols * 8;
        int n = block.getNumElements();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (!skipZeroSegments) {
                NpyWriter.writeAt(ch, start, block.data, 0, n);
                return;
            }
            int run = 0; // first element of the pending run of elements to write
            int i = 0;
            while (i < n) {
                long pos = start + i * 8L;
                int end = (int) Math.min(n, i + ((pos / SEGMENT + 1) * SEGMENT - pos) / 8);
                boolean whole = pos % SEGMENT == 0 && (end - i) * 8L == SEGMENT;
                if (whole && zeros(block.data, i, end)) {
                    if (run < i) {
                        NpyWriter.writeAt(ch, start + run * 8L, block.data, run, i - run);
                    }
                    run = end;
                }
                i = end;
            }
            if (run < n) {
                NpyWriter.writeAt(ch, start + run * 8L, block.data, run, n - run);
            }
        }
    }

    /** Whether data[from, to) are all +0.0 (all bits zero: −0.0 is written). */
    private static boolean zeros(double[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Double.doubleToRawLongBits(data[i]) != 0) {
                return false;
            }
        }
        return true;
    }
}
