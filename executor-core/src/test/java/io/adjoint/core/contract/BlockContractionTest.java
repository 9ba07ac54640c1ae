package io.adjoint.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.linalg.SparseJacobian;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The task body against the naive four-loop contraction and NumPy's tensordot. */
class BlockContractionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        // p, q, n, m, k, l, rows per block, seed
        "2, 3, 4, 5, 3, 2, 4, 1",
        "1, 1, 1, 1, 1, 1, 1, 2",
        "5, 1, 1, 7, 2, 3, 2, 3",
        "3, 4, 2, 2, 1, 9, 12, 4",
        "7, 3, 6, 1, 4, 4, 5, 5",
        "4, 4, 3, 3, 3, 3, 100, 6",
    })
    void blocksEqualNaiveContraction(int p, int q, int n, int m, int k, int l, int rowsPerBlock, int seed)
            throws IOException {
        Random rng = new Random(seed);
        long[] as = {p, q, n, m};
        long[] js = {n, m, k, l};
        Path ap = dir.resolve("A.npy");
        double[] a = TestArrays.writeRandom(ap, rng, as);
        double[] j = TestArrays.random(rng, (long) n * m * k * l);
        // make J about half zeros so the sparse path has something to skip
        for (int i = 0; i < j.length; i += 2) {
            j[i] = 0;
        }
        double[] want = TestArrays.naiveContract(a, as, j, js);
        DMatrixRMaj jm = DMatrixRMaj.wrap(n * m, k * l, j);
        for (JacobianOperand op : List.of(JacobianOperand.of(jm, 0.0), SparseJacobian.fromDense(jm))) {
            double[] got = new double[p * q * k * l];
            try (FileByteSource src = new FileByteSource(ap)) {
                NpyHeader h = NpyHeader.read(src);
                for (int r0 = 0; r0 < p * q; r0 += rowsPerBlock) {
                    int r1 = Math.min(p * q, r0 + rowsPerBlock);
                    DMatrixRMaj block =
                            BlockContraction.compute(List.of(src), List.of(h), List.of(op), r0, r1, null, null);
                    System.arraycopy(block.data, 0, got, r0 * k * l, (r1 - r0) * k * l);
                }
            }
            assertTrue(TestArrays.relError(got, want) < 1e-13, op.kind() + " error " + TestArrays.relError(got, want));
        }
    }

    @Test
    void sumsOverPairsAndWritesInPlace() throws IOException {
        Random rng = new Random(11);
        long[] a1s = {3, 2, 4, 1};
        long[] j1s = {4, 1, 2, 5};
        long[] a2s = {3, 2, 2, 3};
        long[] j2s = {2, 3, 2, 5};
        Path a1p = dir.resolve("A1.npy");
        Path a2p = dir.resolve("A2.npy");
        double[] a1 = TestArrays.writeRandom(a1p, rng, a1s);
        double[] a2 = TestArrays.writeRandom(a2p, rng, a2s);
        double[] j1 = TestArrays.random(rng, 40);
        double[] j2 = TestArrays.random(rng, 60);
        double[] w1 = TestArrays.naiveContract(a1, a1s, j1, j1s);
        double[] w2 = TestArrays.naiveContract(a2, a2s, j2, j2s);
        double[] want = new double[w1.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = w1[i] + w2[i];
        }
        long[] gs = {3, 2, 2, 5};
        Path out = dir.resolve("G.npy");
        byte[] header = io.adjoint.core.npy.NpyWriter.header(gs);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header), 0);
            ch.truncate(header.length + 8L * want.length);
            ch.write(ByteBuffer.allocate(1), header.length + 8L * want.length - 1);
        }
        BlockSink sink = new PositionalFileSink(out, header.length, 10);
        List<JacobianOperand> js = List.of(
                JacobianOperand.of(DMatrixRMaj.wrap(4, 10, j1), 0.0),
                JacobianOperand.of(DMatrixRMaj.wrap(6, 10, j2), 0.0));
        try (FileByteSource s1 = new FileByteSource(a1p);
                FileByteSource s2 = new FileByteSource(a2p)) {
            List<ByteSource> srcs = List.of(s1, s2);
            List<NpyHeader> hs = List.of(NpyHeader.read(s1), NpyHeader.read(s2));
            // blocks written out of order, one twice (a retry)
            for (int r0 : new int[] {4, 0, 2, 4}) {
                sink.write(r0, BlockContraction.compute(srcs, hs, js, r0, Math.min(6, r0 + 2), null, null));
            }
        }
        try (FileByteSource g = new FileByteSource(out)) {
            NpyHeader h = NpyHeader.read(g);
            assertArrayEquals(gs, h.shape());
            double[] got = NpyReader.readAll(g, h, 2).data;
            assertTrue(TestArrays.relError(got, want) < 1e-13);
        }
    }

    @Test
    void equalsNumpyTensordotFixture() throws Exception {
        Path res =
                Paths.get(getClass().getResource("/npy/contract_A.npy").toURI()).getParent();
        try (FileByteSource a = new FileByteSource(res.resolve("contract_A.npy"));
                FileByteSource j = new FileByteSource(res.resolve("contract_J.npy"));
                FileByteSource g = new FileByteSource(res.resolve("contract_G.npy"))) {
            NpyHeader ah = NpyHeader.read(a);
            DMatrixRMaj jm = NpyReader.readAll(j, NpyHeader.read(j), 2);
            DMatrixRMaj want = NpyReader.readAll(g, NpyHeader.read(g), 2);
            DMatrixRMaj got = BlockContraction.compute(
                    List.of(a), List.of(ah), List.of(JacobianOperand.of(jm, 0.0)), 0, 6, null, null);
            assertEquals(want.numCols, got.numCols);
            assertTrue(TestArrays.relError(got.data, want.data) < 1e-12);
        }
    }

    @Test
    void shapeRulesNameFilesAndShapes() {
        Shape4 a = new Shape4(2, 3, 4, 5);
        Shape4 jBad = new Shape4(4, 6, 7, 8);
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> ContractionShapes.resultShape(List.of("A.npy"), List.of(a), List.of("J.npy"), List.of(jBad)));
        assertEquals(
                "A.npy is (2, 3, 4, 5), J.npy is (4, 6, 7, 8): contracted axes differ"
                        + " (adjoint's last two (4, 5) vs Jacobian's first two (4, 6))",
                e.getMessage());
        List<Shape4> as = new ArrayList<>(List.of(a, new Shape4(2, 3, 1, 1)));
        List<Shape4> js = List.of(new Shape4(4, 5, 7, 8), new Shape4(1, 1, 7, 9));
        e = assertThrows(
                InvalidInputException.class,
                () -> ContractionShapes.resultShape(List.of("A.npy", "A2.npy"), as, List.of("J.npy", "J2.npy"), js));
        assertTrue(
                e.getMessage()
                        .startsWith("pair 2: A2.npy (2, 3, 1, 1) with J2.npy (1, 1, 7, 9) gives a result"
                                + " of shape (2, 3, 7, 9), but pair 1 gives (2, 3, 7, 8)"),
                e.getMessage());
        assertEquals(
                new Shape4(2, 3, 7, 8),
                ContractionShapes.resultShape(
                        List.of("A.npy"), List.of(a), List.of("J.npy"), List.of(new Shape4(4, 5, 7, 8))));
    }
}
