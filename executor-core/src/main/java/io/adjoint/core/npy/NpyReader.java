package io.adjoint.core.npy;

import io.adjoint.core.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.ejml.data.DMatrixRMaj;

/**
 * Reads {@code .npy} data as float64 matrices.
 *
 * <p>An N-d array of shape (d_0 … d_{N-1}) is viewed as its row-major matricization with the first
 * {@code rowDims} axes as rows and the rest as columns: element (i_0 … i_{N-1}) is row
 * {@code i_0·d_1·…·d_{rowDims-1} + … + i_{rowDims-1}} and the matching column index of the remaining axes.
 * For a 4-D (a,b,c,d) array with {@code rowDims = 2} that is the (a·b)×(c·d) matrix of DESIGN.md §1.
 *
 * <p>Cost of {@link #readRows}: a C-order file is read only over the byte range of the requested rows
 * (one positional read per 8 MiB chunk). A Fortran-order file stores no row range contiguously; it is
 * streamed once from start to end per call and the requested elements are picked out, so prefer C order
 * for large adjoints.
 */
public final class NpyReader {
    private static final int CHUNK = 8 << 20;

    private NpyReader() {}

    /** Rows of the matricization with {@code rowDims} leading row axes. */
    public static long rows(NpyHeader h, int rowDims) {
        long r = 1;
        for (int i = 0; i < rowDims; i++) {
            r = Math.multiplyExact(r, h.dim(i));
        }
        return r;
    }

    /** Columns of the matricization with {@code rowDims} leading row axes. */
    public static long cols(NpyHeader h, int rowDims) {
        long c = 1;
        for (int i = rowDims; i < h.rank(); i++) {
            c = Math.multiplyExact(c, h.dim(i));
        }
        return c;
    }

    /** Reads the whole array as its (rows × cols) matricization. */
    public static DMatrixRMaj readAll(ByteSource src, NpyHeader h, int rowDims) throws IOException {
        return readRows(src, h, rowDims, 0, rows(h, rowDims), null);
    }

    /**
     * Reads rows {@code [r0, r1)} of the matricization into {@code out} (declared when null, reshaped
     * otherwise) as float64, converting dtype, byte order and Fortran order.
     *
     * @return out, of shape (r1−r0) × cols
     */
    public static DMatrixRMaj readRows(ByteSource src, NpyHeader h, int rowDims, long r0, long r1, DMatrixRMaj out)
            throws IOException {
        long rows = rows(h, rowDims);
        long cols = cols(h, rowDims);
        if (r0 < 0 || r1 < r0 || r1 > rows) {
            throw new IllegalArgumentException("row range [" + r0 + ", " + r1 + ") outside 0.." + rows);
        }
        long n = Math.multiplyExact(r1 - r0, cols);
        if (n > Integer.MAX_VALUE - 8 || (r1 - r0) > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new InvalidInputException(src.name() + ": a block of " + (r1 - r0) + " rows × " + cols
                    + " columns is too large for one in-memory block (2^31 elements); use fewer rows per task");
        }
        if (out == null) {
            out = new DMatrixRMaj((int) (r1 - r0), (int) cols);
        } else {
            out.reshape((int) (r1 - r0), (int) cols);
        }
        if (n == 0) {
            return out;
        }
        int item = h.dtype().itemSize();
        if (!h.fortranOrder() || isVectorLike(h)) {
            long start = h.dataOffset() + r0 * cols * item;
            readConverted(src, h.dtype(), start, n, out.data, 0);
        } else {
            readFortranRows(src, h, rowDims, r0, r1, cols, out.data);
        }
        return out;
    }

    /**
     * Whether a block of rows of the matricization is one contiguous byte range (C order, or a vector-like array),
     * so {@link #readRows} reads just those bytes; otherwise it streams the whole file once per call.
     */
    public static boolean rowsContiguous(NpyHeader h) {
        return !h.fortranOrder() || isVectorLike(h);
    }

    /** At most one axis longer than 1: Fortran and C order store the same bytes. */
    private static boolean isVectorLike(NpyHeader h) {
        int big = 0;
        for (long d : h.shape()) {
            if (d > 1) {
                big++;
            }
        }
        return big <= 1;
    }

    /** Reads {@code count} consecutive elements starting at byte {@code start}, converting to double. */
    private static void readConverted(ByteSource src, NpyDtype dt, long start, long count, double[] dst, int dstOff)
            throws IOException {
        int item = dt.itemSize();
        int perChunk = CHUNK / item;
        byte[] buf = new byte[(int) Math.min(count, perChunk) * item];
        long done = 0;
        while (done < count) {
            int k = (int) Math.min(count - done, perChunk);
            src.readFully(start + done * item, buf, 0, k * item);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, k * item).order(dt.order());
            int base = dstOff + (int) done;
            if (item == 8 && (dt == NpyDtype.F8_LE || dt == NpyDtype.F8_BE)) {
                bb.asDoubleBuffer().get(dst, base, k); // bulk copy with byte swap when needed
            } else {
                for (int j = 0; j < k; j++) {
                    dst[base + j] = dt.get(bb);
                }
            }
            done += k;
        }
    }

    /**
     * Fortran order: linear index F = i_0 + d_0·(i_1 + d_1·(i_2 + …)). Streams the file once and scatters
     * each element whose row lies in [r0, r1) to its C-order place in the block.
     */
    private static void readFortranRows(
            ByteSource src, NpyHeader h, int rowDims, long r0, long r1, long cols, double[] dst) throws IOException {
        long[] shape = h.shape();
        int rank = shape.length;
        NpyDtype dt = h.dtype();
        int item = dt.itemSize();
        long total = h.elementCount();
        // C-order strides of the matricization's row index and column index, per axis.
        long[] rowStride = new long[rank];
        long[] colStride = new long[rank];
        long s = 1;
        for (int a = rowDims - 1; a >= 0; a--) {
            rowStride[a] = s;
            s *= shape[a];
        }
        s = 1;
        for (int a = rank - 1; a >= rowDims; a--) {
            colStride[a] = s;
            s *= shape[a];
        }
        long[] idx = new long[rank];
        int perChunk = CHUNK / item;
        byte[] buf = new byte[(int) Math.min(total, perChunk) * item];
        long done = 0;
        while (done < total) {
            int k = (int) Math.min(total - done, perChunk);
            src.readFully(h.dataOffset() + done * item, buf, 0, k * item);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, k * item).order(dt.order());
            for (int j = 0; j < k; j++) {
                double v = dt.get(bb);
                long row = 0;
                long col = 0;
                for (int a = 0; a < rank; a++) {
                    if (a < rowDims) {
                        row += idx[a] * rowStride[a];
                    } else {
                        col += idx[a] * colStride[a];
                    }
                }
                if (row >= r0 && row < r1) {
                    dst[(int) ((row - r0) * cols + col)] = v;
                }
                // advance the Fortran multi-index: first axis fastest
                for (int a = 0; a < rank; a++) {
                    if (++idx[a] < shape[a]) {
                        break;
                    }
                    idx[a] = 0;
                }
            }
            done += k;
        }
    }

    /**
     * Reads columns [c0, c1) of every row of the matricization into {@code out} (rows × (c1 − c0); declared
     * when null). A C-order file is read with one positional read per row (c1 − c0 elements each); any other
     * layout is streamed in blocks of rows and sliced, which reads the whole file.
     */
    public static DMatrixRMaj readColumns(ByteSource src, NpyHeader h, int rowDims, long c0, long c1, DMatrixRMaj out)
            throws IOException {
        long rows = rows(h, rowDims);
        long cols = cols(h, rowDims);
        if (c0 < 0 || c1 < c0 || c1 > cols) {
            throw new IllegalArgumentException("column range [" + c0 + ", " + c1 + ") outside 0.." + cols);
        }
        int w = (int) (c1 - c0);
        if (out == null) {
            out = new DMatrixRMaj((int) rows, w);
        } else {
            out.reshape((int) rows, w);
        }
        if (w == 0 || rows == 0) {
            return out;
        }
        int item = h.dtype().itemSize();
        if (!h.fortranOrder() || isVectorLike(h)) {
            for (long r = 0; r < rows; r++) {
                readConverted(src, h.dtype(), h.dataOffset() + (r * cols + c0) * item, w, out.data, (int) (r * w));
            }
            return out;
        }
        long step = Math.max(1, (8L << 20) / Math.max(1, cols * 8));
        DMatrixRMaj block = null;
        for (long r0 = 0; r0 < rows; r0 += step) {
            long r1 = Math.min(rows, r0 + step);
            block = readRows(src, h, rowDims, r0, r1, block);
            for (long r = r0; r < r1; r++) {
                System.arraycopy(block.data, (int) ((r - r0) * cols + c0), out.data, (int) (r * w), w);
            }
        }
        return out;
    }
}
