package io.adjoint.core.npz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npz container against the JDK's own ZIP readers (which check every entry's CRC-32 when streaming): a CSR
 * matrix written by several "writers" in pieces, then read back entry by entry. SciPy's reading of the same
 * layout is checked by the jobs' tests.
 */
class CsrNpzTest {
    @TempDir
    Path dir;

    @Test
    void combinedCrcsEqualTheCrcOfTheWhole() {
        Random rng = new Random(5);
        for (int t = 0; t < 200; t++) {
            byte[] all = new byte[rng.nextInt(5000)];
            rng.nextBytes(all);
            int cut = all.length == 0 ? 0 : rng.nextInt(all.length + 1);
            CRC32 a = new CRC32();
            a.update(all, 0, cut);
            CRC32 b = new CRC32();
            b.update(all, cut, all.length - cut);
            CRC32 whole = new CRC32();
            whole.update(all);
            assertEquals(whole.getValue(), Crc32Combine.combine(a.getValue(), b.getValue(), all.length - cut));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "int64 indices: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aCsrWrittenInPiecesReadsBackThroughZipReaders(boolean wide) throws IOException {
        Random rng = new Random(9);
        int rows = 37;
        int cols = 23;
        int[][] rowCols = new int[rows][];
        long[] start = new long[rows + 1];
        for (int r = 0; r < rows; r++) {
            rowCols[r] =
                    rng.ints(0, cols).distinct().limit(rng.nextInt(6)).sorted().toArray();
            start[r + 1] = start[r] + rowCols[r].length;
        }
        long nnz = start[rows];
        double[] values = rng.doubles(nnz).toArray();
        CsrNpz npz = new CsrNpz(rows, cols, nnz, wide);
        assertEquals(wide ? 8 : 4, npz.indexBytes);
        Path f = dir.resolve("J.npz");
        long idxCrc = 0;
        long dataCrc = 0;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), npz.totalSize() - 1);
            // three writers of unequal row ranges, combined in order as the driver does
            int[] cuts = {0, 5, 30, rows};
            for (int w = 0; w + 1 < cuts.length; w++) {
                int r0 = cuts[w];
                int r1 = cuts[w + 1];
                int n = (int) (start[r1] - start[r0]);
                int[] ix = new int[n];
                int k = 0;
                for (int r = r0; r < r1; r++) {
                    for (int c : rowCols[r]) {
                        ix[k++] = c;
                    }
                }
                double[] v = java.util.Arrays.copyOfRange(values, (int) start[r0], (int) start[r1]);
                idxCrc =
                        Crc32Combine.combine(idxCrc, npz.writeIndices(ch, start[r0], ix, n), (long) n * npz.indexBytes);
                dataCrc = Crc32Combine.combine(dataCrc, npz.writeData(ch, start[r0], v, n), n * 8L);
            }
            long ipCrc = npz.writeIndptr(ch, r -> start[(int) r]);
            npz.writeFrame(ch, ipCrc, idxCrc, dataCrc);
        }
        assertEquals(npz.totalSize(), Files.size(f));
        Map<String, byte[]> streamed = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(f))) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                streamed.put(e.getName(), zin.readAllBytes()); // throws ZipException on a CRC mismatch
            }
        }
        assertEquals(
                java.util.List.of("format.npy", "shape.npy", "indptr.npy", "indices.npy", "data.npy"),
                java.util.List.copyOf(streamed.keySet()));
        try (ZipFile zf = new ZipFile(f.toFile())) {
            for (String name : streamed.keySet()) {
                try (InputStream in = zf.getInputStream(zf.getEntry(name))) {
                    assertArrayEquals(streamed.get(name), in.readAllBytes(), name);
                }
                CRC32 c = new CRC32();
                c.update(streamed.get(name));
                assertEquals(c.getValue(), zf.getEntry(name).getCrc(), name + " CRC in the central directory");
            }
        }
        ByteBuffer data = payload(streamed.get("data.npy"), "<f8", nnz);
        for (int i = 0; i < nnz; i++) {
            assertEquals(values[i], data.getDouble());
        }
        String idx = wide ? "<i8" : "<i4";
        ByteBuffer ip = payload(streamed.get("indptr.npy"), idx, rows + 1);
        for (int r = 0; r <= rows; r++) {
            assertEquals(start[r], wide ? ip.getLong() : ip.getInt());
        }
        ByteBuffer ix = payload(streamed.get("indices.npy"), idx, nnz);
        for (int r = 0; r < rows; r++) {
            for (int c : rowCols[r]) {
                assertEquals(c, wide ? ix.getLong() : ix.getInt());
            }
        }
        ByteBuffer sh = payload(streamed.get("shape.npy"), "<i8", 2);
        assertEquals(rows, sh.getLong());
        assertEquals(cols, sh.getLong());
        assertEquals(
                "csr",
                new String(
                        streamed.get("format.npy"),
                        streamed.get("format.npy").length - 3,
                        3,
                        java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The payload after a version 1.0 .npy header, checking its dtype and shape. */
    private static ByteBuffer payload(byte[] npy, String descr, long count) {
        assertEquals(1, npy[6], "version 1.0");
        int len = (npy[8] & 0xff) | ((npy[9] & 0xff) << 8);
        String dict = new String(npy, 10, len, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + count + ",), }", dict.strip());
        assertEquals(0, (10 + len) % 64, "aligned to 64 bytes");
        assertEquals(count * (descr.endsWith("4") ? 4 : 8), npy.length - 10 - len, "payload length");
        return ByteBuffer.wrap(npy, 10 + len, npy.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
