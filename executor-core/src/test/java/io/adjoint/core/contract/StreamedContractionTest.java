package io.adjoint.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streamed plan's task body (J read from storage in row panels, summed in the task) against the naive four-loop
 * contraction summed over pairs, relative 1e-12, for panels of one row, of several rows not dividing n·m, and of
 * all of J; blocks of rows not dividing p·q.
 */
class StreamedContractionTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "panel rows {0}, rows per block {1}")
    @CsvSource({"1, 4", "5, 7", "7, 1", "1000, 30", "3, 30"})
    void blocksEqualTheNaiveSumOverPairs(int panelRows, int rowsPerBlock) throws IOException {
        Random rng = new Random(panelRows * 31L + rowsPerBlock);
        long p = 5, q = 6, k = 3, l = 4;
        long[][] inner = {{4, 3}, {2, 5}}; // n_t·m_t = 12 and 10
        double[] want = new double[(int) (p * q * k * l)];
        List<ByteSource> as = new ArrayList<>();
        List<NpyHeader> ah = new ArrayList<>();
        List<ByteSource> js = new ArrayList<>();
        List<NpyHeader> jh = new ArrayList<>();
        try {
            for (int t = 0; t < inner.length; t++) {
                long[] ashape = {p, q, inner[t][0], inner[t][1]};
                long[] jshape = {inner[t][0], inner[t][1], k, l};
                double[] a = TestArrays.writeRandom(dir.resolve("A" + t + ".npy"), rng, ashape);
                double[] j = TestArrays.writeRandom(dir.resolve("J" + t + ".npy"), rng, jshape);
                double[] g = TestArrays.naiveContract(a, ashape, j, jshape);
                for (int i = 0; i < g.length; i++) {
                    want[i] += g[i];
                }
                as.add(new FileByteSource(dir.resolve("A" + t + ".npy")));
                ah.add(NpyHeader.read(as.get(t)));
                js.add(new FileByteSource(dir.resolve("J" + t + ".npy")));
                jh.add(NpyHeader.read(js.get(t)));
            }
            long panelBytes = panelRows * k * l * 8;
            double[] got = new double[want.length];
            DMatrixRMaj out = null;
            for (long r0 = 0; r0 < p * q; r0 += rowsPerBlock) {
                long r1 = Math.min(p * q, r0 + rowsPerBlock);
                out = StreamedContraction.compute(
                        new StreamedContraction.Operands(as, ah, js, jh, panelBytes), r0, r1, out);
                assertEquals(r1 - r0, out.numRows);
                System.arraycopy(out.data, 0, got, (int) (r0 * k * l), out.getNumElements());
            }
            double err = TestArrays.relError(got, want);
            assertTrue(err < 1e-12, "relative error " + err);
        } finally {
            for (ByteSource s : as) {
                s.close();
            }
            for (ByteSource s : js) {
                s.close();
            }
        }
    }

    @Test
    void panelRowsFollowTheBudget() {
        assertEquals(2, StreamedContraction.panelRows(10, 4, 64)); // 64 B / 32 B per row
        assertEquals(1, StreamedContraction.panelRows(10, 4, 1)); // at least one row
        assertEquals(10, StreamedContraction.panelRows(10, 4, 1 << 20)); // at most all rows
    }

    /** A Fortran-order J gives the same result, and is counted as read whole once per panel. */
    @Test
    void aFortranOrderJacobianIsReadOncePerPanel() throws IOException {
        Random rng = new Random(5);
        long[] as = {3, 4, 5, 2};
        long[] js = {5, 2, 3, 3};
        double[] a = TestArrays.writeRandom(dir.resolve("A.npy"), rng, as);
        double[] j = TestArrays.random(rng, 5 * 2 * 3 * 3);
        TestArrays.writeRaw(dir.resolve("JF.npy"), "<f8", true, js, j);
        double[] want = TestArrays.naiveContract(a, as, j, js);
        try (ByteSource src = new FileByteSource(dir.resolve("A.npy"));
                ByteSource jf = new FileByteSource(dir.resolve("JF.npy"))) {
            NpyHeader h = NpyHeader.read(src);
            NpyHeader jh = NpyHeader.read(jf);
            long panelBytes = 3 * 9 * 8; // 3 of J's 10 rows: 4 panels
            DMatrixRMaj out = StreamedContraction.compute(
                    new StreamedContraction.Operands(List.of(src), List.of(h), List.of(jf), List.of(jh), panelBytes),
                    0,
                    12,
                    null);
            assertTrue(TestArrays.relError(out.data, want) < 1e-12);
            assertEquals(4L * 90 * 8, StreamedContraction.bytesRead(jh, panelBytes));
        }
        try (ByteSource jc = new FileByteSource(dir.resolve("A.npy"))) {
            assertEquals(3L * 4 * 5 * 2 * 8, StreamedContraction.bytesRead(NpyHeader.read(jc), 3 * 10 * 8));
        }
    }
}
