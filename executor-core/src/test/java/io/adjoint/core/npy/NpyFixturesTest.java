package io.adjoint.core.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads the files NumPy wrote (src/test/resources/npy/make_fixtures.py) and checks every value. */
class NpyFixturesTest {

    static Path fixture(String name) {
        try {
            return Paths.get(NpyFixturesTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static DMatrixRMaj readAll(String name, int rowDims) throws IOException {
        try (FileByteSource src = new FileByteSource(fixture(name))) {
            return NpyReader.readAll(src, NpyHeader.read(src), rowDims);
        }
    }

    /** v[i] = (i − 5)·0.25 for floats, i − 5 for ints, at C-order linear index i (see make_fixtures.py). */
    static double[] expected(int n, boolean floating) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = floating ? (i - 5) * 0.25 : i - 5;
        }
        return v;
    }

    @ParameterizedTest
    @CsvSource({
        "f8_le.npy, 3, 4, true, <f8, false",
        "f8_be.npy, 3, 4, true, >f8, false",
        "f4_le.npy, 3, 4, true, <f4, false",
        "f4_be.npy, 3, 4, true, >f4, false",
        "i4_le.npy, 3, 4, false, <i4, false",
        "i8_le.npy, 3, 4, false, <i8, false",
        "f8_fortran_2d.npy, 3, 4, true, <f8, true",
        "f8_fortran_4d.npy, 6, 4, true, <f8, true",
        "i4_fortran_4d.npy, 6, 4, false, <i4, true",
        "f8_v2.npy, 6, 4, true, <f8, false",
        "f8_v3.npy, 6, 4, true, <f8, false",
    })
    void readsNumpyFiles(String name, int rows, int cols, boolean floating, String descr, boolean fortran)
            throws IOException {
        try (FileByteSource src = new FileByteSource(fixture(name))) {
            NpyHeader h = NpyHeader.read(src);
            assertEquals(descr, h.dtype().descr());
            assertEquals(fortran, h.fortranOrder());
            DMatrixRMaj m = NpyReader.readAll(src, h, h.rank() == 4 ? 2 : 1);
            assertEquals(rows, m.numRows);
            assertEquals(cols, m.numCols);
            assertArrayEquals(expected(rows * cols, floating), m.data, 0.0);
            // every row range, including empty ones, agrees with the full read
            for (int r0 = 0; r0 <= rows; r0++) {
                for (int r1 = r0; r1 <= rows; r1++) {
                    DMatrixRMaj part = NpyReader.readRows(src, h, h.rank() == 4 ? 2 : 1, r0, r1, null);
                    for (int i = 0; i < (r1 - r0) * cols; i++) {
                        assertEquals(m.data[r0 * cols + i], part.data[i], 0.0, name + " rows " + r0 + ".." + r1);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "object.npy, object dtype refused",
        "structured.npy, structured dtype",
        "u1.npy, unsupported dtype '|u1'",
    })
    void refusesNumpyFilesWeMustNotRead(String name, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> readAll(name, 1));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(name), "message names the file: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"contract_A.npy", "contract_J.npy", "contract_G.npy"})
    void contractionFixturesAre4d(String name) throws IOException {
        try (FileByteSource src = new FileByteSource(fixture(name))) {
            assertEquals(4, NpyHeader.read(src).rank());
        }
    }
}
