package io.adjoint.core.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The element types we read from {@code .npy} files. Everything is converted to float64 on read;
 * we only ever write {@link #F8_LE}.
 */
public enum NpyDtype {
    F8_LE("<f8", 8, ByteOrder.LITTLE_ENDIAN),
    F8_BE(">f8", 8, ByteOrder.BIG_ENDIAN),
    F4_LE("<f4", 4, ByteOrder.LITTLE_ENDIAN),
    F4_BE(">f4", 4, ByteOrder.BIG_ENDIAN),
    I4_LE("<i4", 4, ByteOrder.LITTLE_ENDIAN),
    I8_LE("<i8", 8, ByteOrder.LITTLE_ENDIAN);

    private final String descr;
    private final int itemSize;
    private final ByteOrder order;

    NpyDtype(String descr, int itemSize, ByteOrder order) {
        this.descr = descr;
        this.itemSize = itemSize;
        this.order = order;
    }

    /** The NumPy {@code descr} string, e.g. {@code "<f8"}. */
    public String descr() {
        return descr;
    }

    public int itemSize() {
        return itemSize;
    }

    public ByteOrder order() {
        return order;
    }

    /** Reads one element at the buffer's position (buffer order must be {@link #order()}). */
    double get(ByteBuffer buf) {
        return switch (this) {
            case F8_LE, F8_BE -> buf.getDouble();
            case F4_LE, F4_BE -> buf.getFloat();
            case I4_LE -> buf.getInt();
            case I8_LE -> buf.getLong();
        };
    }

    /**
     * Maps a NumPy descr to a dtype, or returns null when unsupported. {@code '='} (native) is
     * little-endian on every platform we run on; {@code '|'} is accepted only for one-byte types,
     * none of which we read.
     */
    static NpyDtype fromDescr(String descr) {
        String d = descr.startsWith("=") ? "<" + descr.substring(1) : descr;
        for (NpyDtype t : values()) {
            if (t.descr.equals(d)) {
                return t;
            }
        }
        return null;
    }

    /** Supported dtype names, for error messages. */
    static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (NpyDtype t : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.descr);
        }
        return sb.toString();
    }
}
