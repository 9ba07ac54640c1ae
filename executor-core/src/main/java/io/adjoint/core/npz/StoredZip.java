package io.adjoint.core.npz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of an uncompressed (stored) ZIP64 archive whose entries' sizes are known in advance, so that
 * the archive can be pre-sized and its entries' contents written in place, by many writers, at known offsets —
 * the way an {@code .npz} of a distributed result is assembled without passing its bytes through one machine.
 *
 * <pre>
 *   [local header 0][entry 0] [local header 1][entry 1] … [central directory][zip64 end][zip64 locator][end]
 * </pre>
 *
 * Every header carries the ZIP64 extra field (sizes and offsets as 8-byte values), which Python's {@code zipfile}
 * (and so {@code numpy.load} and {@code scipy.sparse.load_npz}) reads. The CRC-32 of each entry is only known
 * when its writers are done: {@link #localHeader} and {@link #tail} are written last, with the combined CRCs.
 */
public final class StoredZip implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final int LOCAL_FIXED = 30;
    private static final int LOCAL_EXTRA = 20; // id, size, uncompressed 8, compressed 8
    private static final int CENTRAL_FIXED = 46;
    private static final int CENTRAL_EXTRA = 28; // id, size, uncompressed 8, compressed 8, offset 8
    private static final int ZIP64_END = 56;
    private static final int ZIP64_LOCATOR = 20;
    private static final int END = 22;
    private static final int VERSION = 45; // 4.5: ZIP64
    private static final long MAX32 = 0xFFFFFFFFL;
    /** 1980-01-01 00:00, the DOS epoch: results do not depend on the clock. */
    private static final int DOS_DATE = (0 << 9) | (1 << 5) | 1;

    private final List<String> names = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private long end;

    /** Adds an entry of {@code size} bytes; returns the offset of its first content byte. */
    public long add(String name, long size) {
        long header = end;
        offsets.add(header);
        names.add(name);
        sizes.add(size);
        end = header + LOCAL_FIXED + name.getBytes(StandardCharsets.UTF_8).length + LOCAL_EXTRA + size;
        return end - size;
    }

    /** Where entry i's local header starts. */
    public long headerOffset(int i) {
        return offsets.get(i);
    }

    /** Where entry i's content starts. */
    public long contentOffset(int i) {
        return offsets.get(i) + LOCAL_FIXED + names.get(i).getBytes(StandardCharsets.UTF_8).length + LOCAL_EXTRA;
    }

    /** The byte size of the whole archive. */
    public long totalSize() {
        return end + centralSize() + ZIP64_END + ZIP64_LOCATOR + END;
    }

    private long centralSize() {
        long n = 0;
        for (String name : names) {
            n += CENTRAL_FIXED + name.getBytes(StandardCharsets.UTF_8).length + CENTRAL_EXTRA;
        }
        return n;
    }

    /** Entry i's local header, with its CRC-32. */
    public byte[] localHeader(int i, long crc) {
        byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(LOCAL_FIXED + name.length + LOCAL_EXTRA).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) VERSION).putShort((short) 0).putShort((short) 0);
        b.putShort((short) 0).putShort((short) DOS_DATE);
        b.putInt((int) crc).putInt((int) MAX32).putInt((int) MAX32);
        b.putShort((short) name.length).putShort((short) LOCAL_EXTRA);
        b.put(name);
        b.putShort((short) 1).putShort((short) 16).putLong(sizes.get(i)).putLong(sizes.get(i));
        return b.array();
    }

    /** Where {@link #tail} goes: right after the last entry. */
    public long tailOffset() {
        return end;
    }

    /** Central directory and end records, given every entry's CRC-32. */
    public byte[] tail(long[] crcs) {
        long cd = centralSize();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(cd + ZIP64_END + ZIP64_LOCATOR + END))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            b.putInt(0x02014b50).putShort((short) (0x0300 | VERSION)).putShort((short) VERSION);
            b.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) DOS_DATE);
            b.putInt((int) crcs[i]).putInt((int) MAX32).putInt((int) MAX32);
            b.putShort((short) name.length).putShort((short) CENTRAL_EXTRA).putShort((short) 0);
            b.putShort((short) 0).putShort((short) 0).putInt(0100644 << 16).putInt((int) MAX32);
            b.put(name);
            b.putShort((short) 1).putShort((short) 24);
            b.putLong(sizes.get(i)).putLong(sizes.get(i)).putLong(offsets.get(i));
        }
        long zip64End = end + cd;
        b.putInt(0x06064b50).putLong(ZIP64_END - 12).putShort((short) VERSION).putShort((short) VERSION);
        b.putInt(0)
                .putInt(0)
                .putLong(names.size())
                .putLong(names.size())
                .putLong(cd)
                .putLong(end);
        b.putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
        b.putShort((short) names.size()).putShort((short) names.size());
        b.putInt((int) Math.min(cd, MAX32)).putInt((int) MAX32).putShort((short) 0);
        return b.array();
    }
}
