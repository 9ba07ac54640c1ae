package io.adjoint.core.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpyRoundTripTest {
    @TempDir
    Path dir;

    DMatrixRMaj read(Path p, int rowDims) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            return NpyReader.readAll(src, NpyHeader.read(src), rowDims);
        }
    }

    @Test
    void writerRoundTripsFloat64AndNumpyLayout() throws IOException {
        Random rng = new Random(1);
        long[][] shapes = {{2, 3, 4, 5}, {1, 1, 1, 1}, {0, 3, 2, 2}, {7}, {}, {3, 1, 1, 9}};
        for (long[] shape : shapes) {
            Path p = dir.resolve("a.npy");
            double[] d = TestArrays.writeRandom(p, rng, shape);
            assertEquals(0, (Files.size(p) - 8L * d.length) % 64, "data starts 64-aligned");
            try (FileByteSource src = new FileByteSource(p)) {
                NpyHeader h = NpyHeader.read(src);
                assertArrayEquals(shape, h.shape());
                assertEquals(NpyDtype.F8_LE, h.dtype());
                int rowDims = Math.min(2, shape.length);
                DMatrixRMaj m = NpyReader.readAll(src, h, rowDims);
                assertArrayEquals(d, Arrays.copyOf(m.data, m.getNumElements()), 0.0);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "<f8,false",
        "<f8,true",
        ">f8,false",
        ">f8,true",
        "<f4,false",
        "<f4,true",
        ">f4,false",
        ">f4,true",
        "<i4,false",
        "<i4,true",
        "<i8,false",
        "<i8,true"
    })
    void everyAcceptedDtypeAndOrderRoundTrips(String descr, boolean fortran) throws IOException {
        long[] shape = {3, 2, 4, 5};
        Random rng = new Random(descr.hashCode() * 31 + (fortran ? 1 : 0));
        double[] v = new double[120];
        for (int i = 0; i < v.length; i++) {
            // values every dtype represents exactly
            v[i] = descr.contains("i") ? rng.nextInt(2001) - 1000 : (rng.nextInt(4096) - 2048) / 64.0;
        }
        Path p = dir.resolve("x.npy");
        TestArrays.writeRaw(p, descr, fortran, shape, v);
        DMatrixRMaj m = read(p, 2);
        assertEquals(6, m.numRows);
        assertEquals(20, m.numCols);
        assertArrayEquals(v, m.data, 0.0);
        try (FileByteSource src = new FileByteSource(p)) {
            NpyHeader h = NpyHeader.read(src);
            DMatrixRMaj rows = NpyReader.readRows(src, h, 2, 2, 5, null);
            assertArrayEquals(Arrays.copyOfRange(v, 40, 100), rows.data, 0.0);
        }
    }

    @Test
    void readsARowRangeWithoutTouchingOtherBytes() throws IOException {
        Random rng = new Random(7);
        Path p = dir.resolve("big.npy");
        double[] d = TestArrays.writeRandom(p, rng, 100, 3, 2, 2);
        long[] touched = {Long.MAX_VALUE, Long.MIN_VALUE};
        try (FileByteSource file = new FileByteSource(p)) {
            NpyHeader h = NpyHeader.read(file);
            ByteSource spy = new ByteSource() {
                public String name() {
                    return file.name();
                }

                public long size() throws IOException {
                    return file.size();
                }

                public void readFully(long pos, byte[] b, int off, int len) throws IOException {
                    touched[0] = Math.min(touched[0], pos);
                    touched[1] = Math.max(touched[1], pos + len);
                    file.readFully(pos, b, off, len);
                }

                public void close() {}
            };
            DMatrixRMaj m = NpyReader.readRows(spy, h, 2, 30, 45, null);
            assertArrayEquals(Arrays.copyOfRange(d, 30 * 4, 45 * 4), m.data, 0.0);
            assertEquals(h.dataOffset() + 30 * 4 * 8, touched[0]);
            assertEquals(h.dataOffset() + 45 * 4 * 8, touched[1]);
        }
    }

    void assertRefused(Path p, String fragment) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> read(p, 1));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), "names the file: " + e.getMessage());
    }

    byte[] validFile() throws IOException {
        Path p = dir.resolve("valid.npy");
        TestArrays.writeRandom(p, new Random(3), 4, 5);
        return Files.readAllBytes(p);
    }

    @Test
    void refusesBadMagic() throws IOException {
        byte[] b = validFile();
        b[1] = 'X';
        Path p = dir.resolve("magic.npy");
        Files.write(p, b);
        assertRefused(p, "bad magic");
    }

    @Test
    void refusesTextFileNamedNpy() throws IOException {
        Path p = dir.resolve("text.npy");
        Files.writeString(p, "1.0, 2.0, 3.0\n4.0, 5.0, 6.0\n");
        assertRefused(p, "not a .npy file");
    }

    @Test
    void refusesEmptyFile() throws IOException {
        Path p = dir.resolve("empty.npy");
        Files.write(p, new byte[0]);
        assertRefused(p, "not a .npy file");
    }

    @Test
    void refusesTruncatedData() throws IOException {
        byte[] b = validFile();
        Path p = dir.resolve("short.npy");
        Files.write(p, Arrays.copyOf(b, b.length - 8));
        assertRefused(p, "truncated: shape (4, 5) of <f8 needs 160 bytes of data, the file holds 152");
    }

    @Test
    void refusesTrailingData() throws IOException {
        byte[] b = validFile();
        Path p = dir.resolve("long.npy");
        Files.write(p, Arrays.copyOf(b, b.length + 3));
        assertRefused(p, "data longer than its header says");
    }

    @Test
    void refusesFileEndingInsideHeader() throws IOException {
        byte[] b = validFile();
        Path p = dir.resolve("cut.npy");
        Files.write(p, Arrays.copyOf(b, 40));
        assertRefused(p, "file ends inside the header");
    }

    @Test
    void refusesBadVersion() throws IOException {
        byte[] b = validFile();
        b[6] = 9;
        Path p = dir.resolve("v9.npy");
        Files.write(p, b);
        assertRefused(p, "unsupported .npy format version 9.0");
    }

    /** Replaces the header dict of a valid file by {@code dict} (same total length, padded). */
    Path withDict(String name, String dict) throws IOException {
        byte[] b = validFile();
        int hl = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
        byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(b, 10, 10 + hl - 1, (byte) ' ');
        System.arraycopy(d, 0, b, 10, d.length);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void refusesGarbledHeaders() throws IOException {
        assertRefused(withDict("a.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 5), "), "bad header");
        assertRefused(withDict("b.npy", "{'descr': '<f8', 'shape': (4, 5), }"), "keys must be exactly");
        assertRefused(
                withDict("c.npy", "{'descr': '<f8', 'fortran_order': 0, 'shape': (4, 5), }"),
                "fortran_order must be True or False");
        assertRefused(
                withDict("d.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4, -5), }"),
                "not a non-negative integer");
        assertRefused(withDict("e.npy", "__import__('os').system('true')"), "bad header");
        assertRefused(
                withDict("l.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': [4, 5], }"),
                "shape must be a tuple of integers, not a list (NumPy refuses one too)");
        assertRefused(
                withDict("f.npy", "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 5), }"),
                "unsupported dtype '<c16'");
        assertRefused(
                withDict("g.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (20,), }"), "object dtype refused");
    }
}
