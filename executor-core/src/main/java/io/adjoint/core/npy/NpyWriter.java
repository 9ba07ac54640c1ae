package io.adjoint.core.npy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes little-endian float64 ({@code <f8}), C-order {@code .npy} data.
 *
 * <p>Because the layout is C order, rows [r0, r1) of the (rows × cols) matricization are the byte range
 * {@code header + r0·cols·8 … header + r1·cols·8}: a block can be written in place by positional writes
 * ({@link #writeAt}) or appended in order to a stream ({@link #writeTo}). Either way no more than one block
 * is ever in memory, so a file larger than the heap is written block by block.
 */
public final class NpyWriter {
    /**
     * 1 MiB per write: the JDK copies a heap buffer into a temporary direct buffer of the same size for each write,
     * and beyond its per-thread cache that is a fresh allocation every time (8 MiB chunks wrote 8× slower here).
     */
    private static final int CHUNK_DOUBLES = 1 << 17;

    private NpyWriter() {}

    /** The header for a {@code <f8} C-order array of this shape (see {@link NpyHeader#encodeF8}). */
    public static byte[] header(long[] shape) {
        return NpyHeader.encodeF8(shape);
    }

    /** Total file size for a {@code <f8} array of this shape. */
    public static long fileSize(long[] shape) {
        return header(shape).length + Math.multiplyExact(NpyHeader.product(shape, "shape"), 8L);
    }

    /**
     * Writes {@code data[off, off+len)} as little-endian doubles at byte {@code position} of
     * {@code ch}. Modifies the file only in that range.
     */
    public static void writeAt(FileChannel ch, long position, double[] data, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(Math.min(len, CHUNK_DOUBLES) * 8).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        long pos = position;
        while (done < len) {
            int k = Math.min(len - done, CHUNK_DOUBLES);
            bb.clear();
            bb.asDoubleBuffer().put(data, off + done, k);
            bb.limit(k * 8);
            while (bb.hasRemaining()) {
                pos += ch.write(bb, pos);
            }
            done += k;
        }
    }

    /** Appends {@code data[off, off+len)} to {@code out} as little-endian doubles. */
    public static void writeTo(OutputStream out, double[] data, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(Math.min(len, CHUNK_DOUBLES) * 8).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < len) {
            int k = Math.min(len - done, CHUNK_DOUBLES);
            bb.clear();
            bb.asDoubleBuffer().put(data, off + done, k);
            out.write(bb.array(), 0, k * 8);
            done += k;
        }
    }

    /**
     * Writes a whole array to {@code path} atomically: to a temporary file beside it, then renamed.
     * {@code data} holds the elements in C order.
     */
    public static void write(Path path, long[] shape, double[] data) throws IOException {
        long n = NpyHeader.product(shape, "shape");
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + NpyHeader.shapeString(shape) + " has " + n + " elements, data has " + data.length);
        }
        Path abs = path.toAbsolutePath();
        Path tmp = abs.resolveSibling(
                "." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] h = header(shape);
                ch.write(ByteBuffer.wrap(h), 0);
                writeAt(ch, h.length, data, 0, data.length);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
