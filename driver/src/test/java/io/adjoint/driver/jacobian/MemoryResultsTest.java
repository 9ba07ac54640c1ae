package io.adjoint.driver.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.SparkTestBase;
import io.adjoint.driver.commit.MemoryCsrResult;
import io.adjoint.driver.exec.Interruption;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results in this JVM's memory (the Python API's, {@code adjoint-mem:}): the same bytes as the file a run writes to
 * disk, for Spark tasks on local[2]; the CSR arrays hold the dense result's values at the pattern's entries; a
 * cancelled run leaves nothing in memory.
 */
class MemoryResultsTest extends SparkTestBase {
    @TempDir
    Path dir;

    @AfterEach
    void clean() {
        Interruption.clearCancel();
        MemoryFileSystem.deleteTree("adjoint-mem:/results-test");
    }

    private static DMatrixRMaj random(int r, int c, long seed) {
        Random g = new Random(seed);
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = g.nextGaussian();
        }
        return m;
    }

    private JacobianInputs prepare(String out, JacobianRequest.Format format) throws IOException {
        MemoryFileSystem.register(jsc.hadoopConfiguration());
        MemoryFileSystem.mkdirs("adjoint-mem:/results-test");
        JacobianRequest req = new JacobianRequest()
                .expr("tanh(W @ X + b)")
                .input("W", random(7, 7, 1))
                .input("X", random(7, 5, 2))
                .input("b", random(7, 1, 3))
                .wrt("X", "W")
                .out(out);
        req.format = format;
        req.rowsPerTask = 4; // several blocks, several tasks
        return JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void aDenseResultInMemoryHasTheBytesOfTheFile() throws IOException {
        JacobianJob.run(jsc, prepare(dir.resolve("disk").toString(), JacobianRequest.Format.NPY), null);
        JacobianJob.run(jsc, prepare("adjoint-mem:/results-test/npy", JacobianRequest.Format.NPY), null);
        for (String x : new String[] {"X", "W"}) {
            byte[] disk = Files.readAllBytes(dir.resolve("disk").resolve(x + ".npy"));
            assertArrayEquals(disk, bytes(MemoryFileSystem.buffer("adjoint-mem:/results-test/npy/" + x + ".npy")), x);
        }
        assertEquals(java.util.List.of("W.npy", "X.npy"), MemoryFileSystem.names("adjoint-mem:/results-test/npy"));
    }

    @Test
    void aCsrResultInMemoryHoldsThePatternsEntriesWithTheDenseValues() throws IOException {
        JacobianJob.run(jsc, prepare(dir.resolve("dense").toString(), JacobianRequest.Format.NPY), null);
        JacobianJob.run(jsc, prepare("adjoint-mem:/results-test/csr", JacobianRequest.Format.CSR), null);
        byte[] npy = Files.readAllBytes(dir.resolve("dense").resolve("X.npy"));
        int header = npy.length - 7 * 5 * 7 * 5 * 8;
        double[] dense = new double[35 * 35];
        ByteBuffer.wrap(npy, header, npy.length - header)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer()
                .get(dense);
        MemoryCsrResult.Arrays a =
                (MemoryCsrResult.Arrays) MemoryFileSystem.attachment("adjoint-mem:/results-test/csr/X.npz");
        assertEquals(4, a.indexBytes());
        assertEquals(35, a.rows());
        java.nio.IntBuffer indptr =
                a.indptr().duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        java.nio.IntBuffer indices =
                a.indices().duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        java.nio.DoubleBuffer data =
                a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        assertEquals(35 * 7, indptr.get(35), "out[i, j] reads column j of X: 7 entries a row");
        double[] rebuilt = new double[35 * 35];
        for (int r = 0; r < 35; r++) {
            for (int k = indptr.get(r); k < indptr.get(r + 1); k++) {
                rebuilt[r * 35 + indices.get(k)] = data.get(k);
            }
        }
        assertArrayEquals(dense, rebuilt, 0.0);
    }

    @Test
    void aCancelledRunLeavesNothingInMemory() throws IOException {
        JacobianInputs in = prepare("adjoint-mem:/results-test/cancelled", JacobianRequest.Format.NPY);
        Interruption.cancel();
        assertThrows(CancellationException.class, () -> JacobianJob.run(JobContext.of(jsc), in, null));
        assertFalse(
                MemoryFileSystem.names("adjoint-mem:/results-test").contains("cancelled"),
                "the folder this run created is removed, with its temporaries");
        Interruption.clearCancel();
        JacobianJob.run(jsc, in, null);
        assertTrue(MemoryFileSystem.names("adjoint-mem:/results-test/cancelled").contains("X.npy"));
    }
}
