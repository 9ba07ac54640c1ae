package io.adjoint.core.npy;

import io.adjoint.core.InvalidInputException;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a {@code .npy} file (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Layout: the magic {@code \x93NUMPY}, major and minor version bytes, the header length (uint16
 * little-endian in 1.0, uint32 in 2.0 and 3.0), then a Python dict literal with exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and ended by a newline.
 * The data follows at {@link #dataOffset()}.
 *
 * <p>Parsing never evaluates or deserializes anything: the dict is read by a small literal parser that
 * accepts strings, booleans, integers and tuples only. Object dtypes (pickles) and structured dtypes are
 * refused. {@link #read} also checks that the data present is exactly shape × itemsize bytes.
 */
public final class NpyHeader implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Header sizes are padded so the data starts on this boundary (NumPy ≥ 1.22 uses 64). */
    private static final int ALIGN = 64;
    /** A header longer than this is not a header we wrote or NumPy would write for a plain array. */
    private static final int MAX_HEADER_LEN = 1 << 20;

    private final NpyDtype dtype;
    private final boolean fortranOrder;
    private final long[] shape;
    private final long dataOffset;

    public NpyHeader(NpyDtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {
        this.dtype = dtype;
        this.fortranOrder = fortranOrder;
        this.shape = shape.clone();
        this.dataOffset = dataOffset;
    }

    public NpyDtype dtype() {
        return dtype;
    }

    public boolean fortranOrder() {
        return fortranOrder;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Byte offset of the first element. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Number of elements: the product of the shape (1 for a 0-d array). */
    public long elementCount() {
        return product(shape, "shape");
    }

    /** Bytes of data the shape needs. */
    public long dataBytes() {
        return Math.multiplyExact(elementCount(), (long) dtype.itemSize());
    }

    /** The shape as NumPy prints it: {@code (3, 4)}, {@code (5,)}, {@code ()}. */
    public String shapeString() {
        return shapeString(shape);
    }

    public static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    /**
     * Reads and validates the header of {@code src}, including that the bytes after it are exactly
     * shape × itemsize.
     *
     * @throws InvalidInputException naming the file and what is wrong
     */
    public static NpyHeader read(ByteSource src) throws IOException {
        String name = src.name();
        long size = src.size();
        if (size < 10) {
            throw bad(name, "not a .npy file (only " + size + " bytes; bad magic)");
        }
        byte[] pre = new byte[12];
        src.readFully(0, pre, 0, (int) Math.min(12, size));
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) {
                throw bad(name, "not a .npy file (bad magic: does not start with \\x93NUMPY)");
            }
        }
        int major = pre[6] & 0xff;
        int minor = pre[7] & 0xff;
        if (!(major >= 1 && major <= 3) || minor != 0) {
            throw bad(name, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
        }
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = (pre[8] & 0xff) | ((pre[9] & 0xff) << 8);
            prefix = 10;
        } else {
            if (size < 12) {
                throw bad(name, "bad header: file ends inside the header length field");
            }
            headerLen =
                    (pre[8] & 0xffL) | ((pre[9] & 0xffL) << 8) | ((pre[10] & 0xffL) << 16) | ((pre[11] & 0xffL) << 24);
            prefix = 12;
        }
        if (headerLen > MAX_HEADER_LEN) {
            throw bad(name, "bad header: header length " + headerLen + " is implausibly large");
        }
        if (prefix + headerLen > size) {
            throw bad(
                    name,
                    "bad header: file ends inside the header (header says " + headerLen + " bytes, file has "
                            + (size - prefix) + " after the prefix)");
        }
        byte[] hb = new byte[(int) headerLen];
        try {
            src.readFully(prefix, hb, 0, hb.length);
        } catch (EOFException e) {
            throw bad(name, "bad header: file ends inside the header");
        }
        String text;
        if (major == 3) {
            text = new String(hb, StandardCharsets.UTF_8);
        } else {
            for (byte b : hb) {
                if (b < 0) {
                    throw bad(name, "bad header: non-ASCII byte in a version " + major + ".0 header");
                }
            }
            text = new String(hb, StandardCharsets.US_ASCII);
        }
        if (!text.endsWith("\n")) {
            throw bad(name, "bad header: does not end with a newline");
        }
        Map<String, Object> dict;
        try {
            Object parsed = new PyLiteral(text).parseTopLevel();
            if (!(parsed instanceof Map)) {
                throw new IllegalArgumentException("header is not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) parsed;
            dict = m;
        } catch (IllegalArgumentException e) {
            throw bad(name, "bad header: " + e.getMessage());
        }
        if (!dict.keySet().equals(new java.util.HashSet<>(List.of("descr", "fortran_order", "shape")))) {
            throw bad(name, "bad header: keys must be exactly descr, fortran_order, shape; found " + dict.keySet());
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String ds)) {
            throw bad(
                    name,
                    "structured dtype " + PyLiteral.show(descr) + " is not supported (need a plain numeric array)");
        }
        if (ds.equals("O") || ds.equals("|O") || ds.equals("<O") || ds.equals(">O")) {
            throw bad(
                    name,
                    "object dtype refused: the file holds pickled Python objects, which are never"
                            + " deserialized (save a numeric array instead)");
        }
        NpyDtype dtype = NpyDtype.fromDescr(ds);
        if (dtype == null) {
            throw bad(name, "unsupported dtype '" + ds + "' (supported: " + NpyDtype.supportedList() + ")");
        }
        Object fo = dict.get("fortran_order");
        if (!(fo instanceof Boolean fortran)) {
            throw bad(name, "bad header: fortran_order must be True or False");
        }
        Object sh = dict.get("shape");
        if (!(sh instanceof PyLiteral.Tuple dims)) {
            throw bad(
                    name,
                    "bad header: shape must be a tuple of integers"
                            + (sh instanceof List<?> ? ", not a list (NumPy refuses one too)" : ""));
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!(d instanceof Long dim) || dim < 0) {
                throw bad(name, "bad header: shape entry " + PyLiteral.show(d) + " is not a non-negative integer");
            }
            shape[i] = dim;
        }
        NpyHeader h = new NpyHeader(dtype, fortran, shape, prefix + headerLen);
        long need;
        try {
            need = h.dataBytes();
        } catch (ArithmeticException e) {
            throw bad(name, "bad header: shape " + h.shapeString() + " overflows 64-bit size");
        }
        long have = size - h.dataOffset;
        if (have < need) {
            throw bad(
                    name,
                    "truncated: shape " + h.shapeString() + " of " + ds + " needs " + need
                            + " bytes of data, the file holds " + have);
        }
        if (have > need) {
            throw bad(
                    name,
                    "data longer than its header says: shape " + h.shapeString() + " of " + ds + " needs " + need
                            + " bytes, the file holds " + have);
        }
        return h;
    }

    /**
     * Encodes a header for a C-order little-endian float64 array of the given shape: version 1.0 when
     * the dict fits in 65535 bytes, else 2.0; padded with spaces so the data starts on a 64-byte
     * boundary.
     */
    public static byte[] encodeF8(long[] shape) {
        return encode("<f8", shape);
    }

    /** The version 1.0 (2.0 when needed) header of a C-order array of dtype {@code descr} (e.g. {@code <i8}). */
    public static byte[] encode(String descr, long[] shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        for (int major = 1; major <= 2; major++) {
            int prefix = major == 1 ? 10 : 12;
            int unpadded = prefix + dict.length() + 1;
            int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
            int headerLen = total - prefix;
            if (major == 1 && headerLen > 0xffff) {
                continue;
            }
            byte[] out = new byte[total];
            System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
            out[6] = (byte) major;
            out[7] = 0;
            out[8] = (byte) headerLen;
            out[9] = (byte) (headerLen >>> 8);
            if (major == 2) {
                out[10] = (byte) (headerLen >>> 16);
                out[11] = (byte) (headerLen >>> 24);
            }
            byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(d, 0, out, prefix, d.length);
            Arrays.fill(out, prefix + d.length, total - 1, (byte) ' ');
            out[total - 1] = '\n';
            return out;
        }
        throw new IllegalArgumentException("shape too long for a .npy header: " + shapeString(shape));
    }

    static long product(long[] dims, String what) {
        long p = 1;
        for (long d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static InvalidInputException bad(String name, String what) {
        return new InvalidInputException(name + ": " + what);
    }
}
