package io.adjoint.core.npz;

import io.adjoint.core.npy.NpyHeader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The layout of {@code NAME.npz} as {@code scipy.sparse.save_npz} writes a CSR matrix — entries {@code format}
 * (b'csr'), {@code shape} (int64 pair), {@code indptr}, {@code indices} and {@code data} (float64) — for a
 * rows × cols matrix with {@code nnz} stored entries known in advance, so the archive is pre-sized and each writer
 * fills its rows' byte ranges of {@code indices} and {@code data} in place. Indices are int32 when every column
 * index and nnz fit in int32 (as SciPy chooses), else int64.
 */
public final class CsrNpz implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int FORMAT = 0;
    public static final int SHAPE = 1;
    public static final int INDPTR = 2;
    public static final int INDICES = 3;
    public static final int DATA = 4;
    private static final String[] NAMES = {"format.npy", "shape.npy", "indptr.npy", "indices.npy", "data.npy"};

    public final long rows;
    public final long cols;
    public final long nnz;
    /** Bytes per index: 4 (int32) or 8 (int64). */
    public final int indexBytes;

    private final StoredZip zip = new StoredZip();
    private final byte[][] npyHeaders = new byte[5][];

    public CsrNpz(long rows, long cols, long nnz) {
        this(rows, cols, nnz, cols > Integer.MAX_VALUE || nnz > Integer.MAX_VALUE);
    }

    /** With int64 indices when {@code wide} (tests: sizes that need them cannot be made here). */
    CsrNpz(long rows, long cols, long nnz, boolean wide) {
        this.rows = rows;
        this.cols = cols;
        this.nnz = nnz;
        this.indexBytes = wide ? 8 : 4;
        String idx = indexBytes == 4 ? "<i4" : "<i8";
        npyHeaders[FORMAT] = NpyHeader.encode("|S3", new long[0]);
        npyHeaders[SHAPE] = NpyHeader.encode("<i8", new long[] {2});
        npyHeaders[INDPTR] = NpyHeader.encode(idx, new long[] {rows + 1});
        npyHeaders[INDICES] = NpyHeader.encode(idx, new long[] {nnz});
        npyHeaders[DATA] = NpyHeader.encode("<f8", new long[] {nnz});
        long[] payload = {3, 16, (rows + 1) * indexBytes, nnz * indexBytes, nnz * 8};
        for (int i = 0; i < 5; i++) {
            zip.add(NAMES[i], npyHeaders[i].length + payload[i]);
        }
    }

    /** The archive's size in bytes. */
    public long totalSize() {
        return zip.totalSize();
    }

    /** The .npy header of entry e, written at {@link #entryOffset}. */
    public byte[] npyHeader(int e) {
        return npyHeaders[e].clone();
    }

    /** Where entry e's .npy file starts. */
    public long entryOffset(int e) {
        return zip.contentOffset(e);
    }

    /** Where element {@code index} of entry e's array lies (int64 for shape, index bytes, 8 for data). */
    public long elementOffset(int e, long index) {
        int size = e == DATA || e == SHAPE ? 8 : e == FORMAT ? 1 : indexBytes;
        return zip.contentOffset(e) + npyHeaders[e].length + index * size;
    }

    /** The whole contents of the two small entries, format and shape (header and payload). */
    public byte[] smallEntry(int e) {
        ByteBuffer b = ByteBuffer.allocate(npyHeaders[e].length + (e == FORMAT ? 3 : 16))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(npyHeaders[e]);
        if (e == FORMAT) {
            b.put("csr".getBytes(StandardCharsets.US_ASCII));
        } else {
            b.putLong(rows).putLong(cols);
        }
        return b.array();
    }

    /** CRC-32 of entry e's .npy header alone, to combine with its payload's. */
    public long headerCrc(int e) {
        CRC32 c = new CRC32();
        c.update(npyHeaders[e]);
        return c.getValue();
    }

    /** The local header of entry e with its CRC-32, written at {@link #localHeaderOffset}. */
    public byte[] localHeader(int e, long crc) {
        return zip.localHeader(e, crc);
    }

    public long localHeaderOffset(int e) {
        return zip.headerOffset(e);
    }

    /** Central directory and end records, written at {@link #tailOffset}. */
    public byte[] tail(long[] crcs) {
        return zip.tail(crcs);
    }

    public long tailOffset() {
        return zip.tailOffset();
    }

    /** Combines an entry's header CRC with its payload's (payload CRC and length in bytes). */
    public long entryCrc(int e, long payloadCrc, long payloadBytes) {
        return Crc32Combine.combine(headerCrc(e), payloadCrc, payloadBytes);
    }

    /**
     * Writes {@code indptr} (row r's entries start at rowStart[r]; rowStart has rows + 1 values, the last nnz)
     * streaming in chunks, and returns the CRC-32 of its payload.
     */
    public long writeIndptr(FileChannel ch, java.util.function.LongUnaryOperator rowStart) throws IOException {
        CRC32 c = new CRC32();
        int per = 1 << 16;
        ByteBuffer b = ByteBuffer.allocate(per * indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        long pos = elementOffset(INDPTR, 0);
        for (long r = 0; r <= rows; ) {
            b.clear();
            long stop = Math.min(rows + 1, r + per);
            for (; r < stop; r++) {
                long v = rowStart.applyAsLong(r);
                if (indexBytes == 4) {
                    b.putInt((int) v);
                } else {
                    b.putLong(v);
                }
            }
            b.flip();
            c.update(b.duplicate());
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        }
        return c.getValue();
    }

    /**
     * Writes everything but the payloads of indptr, indices and data: the entries' local headers (with CRCs), the
     * .npy headers, format and shape, and the central directory — the last step, once the payload CRCs are known.
     */
    public void writeFrame(FileChannel ch, long indptrCrc, long indicesCrc, long dataCrc) throws IOException {
        long[] crcs = new long[5];
        for (int e : new int[] {FORMAT, SHAPE}) {
            byte[] all = smallEntry(e);
            CRC32 c = new CRC32();
            c.update(all);
            crcs[e] = c.getValue();
            writeFully(ch, ByteBuffer.wrap(all), entryOffset(e));
        }
        crcs[INDPTR] = entryCrc(INDPTR, indptrCrc, (rows + 1) * indexBytes);
        crcs[INDICES] = entryCrc(INDICES, indicesCrc, nnz * indexBytes);
        crcs[DATA] = entryCrc(DATA, dataCrc, nnz * 8);
        for (int e : new int[] {INDPTR, INDICES, DATA}) {
            writeFully(ch, ByteBuffer.wrap(npyHeaders[e]), entryOffset(e));
        }
        for (int e = 0; e < 5; e++) {
            writeFully(ch, ByteBuffer.wrap(localHeader(e, crcs[e])), localHeaderOffset(e));
        }
        writeFully(ch, ByteBuffer.wrap(tail(crcs)), tailOffset());
    }

    /** Indices as this layout stores them (int32 or int64, little-endian), ready to write or checksum. */
    public ByteBuffer indexBytes(int[] cols, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (indexBytes == 4) {
                b.putInt(cols[i]);
            } else {
                b.putLong(cols[i]);
            }
        }
        return b.flip();
    }

    /** Values as stored (float64, little-endian), ready to write or checksum. */
    public static ByteBuffer valueBytes(double[] v, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v, 0, n);
        return b;
    }

    /** The CRC-32 of the bytes left in b (b itself is not moved). */
    public static long crc(ByteBuffer b) {
        CRC32 c = new CRC32();
        c.update(b.duplicate());
        return c.getValue();
    }

    /** Writes a run of indices at element {@code first}; returns its CRC. */
    public long writeIndices(FileChannel ch, long first, int[] cols, int n) throws IOException {
        ByteBuffer b = indexBytes(cols, n);
        long crc = crc(b);
        writeFully(ch, b, elementOffset(INDICES, first));
        return crc;
    }

    /** Writes a run of values at element {@code first}; returns its CRC. */
    public long writeData(FileChannel ch, long first, double[] v, int n) throws IOException {
        ByteBuffer b = valueBytes(v, n);
        long crc = crc(b);
        writeFully(ch, b, elementOffset(DATA, first));
        return crc;
    }

    /** Writes b at pos, at most 1 MiB per call (the JDK stages each heap write through a direct buffer). */
    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int end = b.limit();
        while (b.position() < end) {
            b.limit(Math.min(end, b.position() + (1 << 20)));
            pos += ch.write(b, pos);
        }
    }
}
