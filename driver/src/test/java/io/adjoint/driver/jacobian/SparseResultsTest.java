package io.adjoint.driver.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.driver.SparkTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --format csr} on local[2]: the .npz (read here with the JDK's ZIP reader, which checks CRCs) holds exactly
 * the pattern's entries, with the dense result's values, whatever the seeding; a retried block leaves the same
 * bytes. SciPy's reading is checked by the CLI tests.
 */
class SparseResultsTest extends SparkTestBase {
    @TempDir
    Path dir;

    /** Up to 3 attempts per task, for the retry test. */
    @Override
    protected String master() {
        return "local[2,3]";
    }

    private JacobianInputs prepare(String expr, Map<String, DMatrixRMaj> in, String out, int rows, String... wrt)
            throws IOException {
        JacobianRequest req = new JacobianRequest();
        req.expr = expr;
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".in.npy");
            if (!Files.exists(p)) {
                NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            }
            req.inputs.put(e.getKey(), p.toString());
        }
        req.wrt.addAll(List.of(wrt));
        req.outDir = dir.resolve(out).toString();
        req.rowsPerTask = rows;
        req.overwrite = true;
        return JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tanh(W2 @ tanh(W1 @ X + b1) + b2) | 7 | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1 | X,W1,b1",
                "X @ X + X.T | 3 | X:4x4 | X",
                "softmax(X, 1) * c + sum(X, 0) | 5 | X:3x5 c:3x1 | X,c",
                "tanh(X) | 4 | X:3x3 | X",
                "trace(inv(S) @ X) + cube(X) | 2 | S:3x3 X:3x3 | X,S",
            })
    void csrHoldsThePatternsEntriesWithTheDenseValues(String expr, int rows, String specs, String wrt)
            throws IOException {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        String[] w = wrt.trim().split(",");
        JacobianInputs dense = prepare(expr.trim(), in, "dense", rows, w);
        dense.request.seeding = JacobianRequest.Seeding.DENSE;
        JacobianJob.run(jsc, dense, null);
        for (JacobianRequest.Seeding seeding : JacobianRequest.Seeding.values()) {
            JacobianInputs ji = prepare(expr.trim(), in, "csr-" + seeding, rows, w);
            ji.request.format = JacobianRequest.Format.CSR;
            ji.request.seeding = seeding;
            JacobianJob.run(jsc, ji, null);
            for (int i = 0; i < w.length; i++) {
                DMatrixRMaj want = JacobianJobTest.read(dir.resolve("dense").resolve(w[i] + ".npy"), new long[] {
                    ji.graph.outputShape().rows, ji.graph.outputShape().cols, in.get(w[i]).numRows, in.get(w[i]).numCols
                });
                Csr got = Csr.read(dir.resolve("csr-" + seeding).resolve(w[i] + ".npz"));
                String what = expr + " d/d" + w[i] + " " + seeding;
                assertEquals(ji.patterns.get(i).nnz(), got.data.length, what + ": one entry per pattern non-zero");
                assertEquals(want.numRows, got.rows, what);
                assertEquals(want.numCols, got.cols, what);
                double[] full = got.toDense();
                for (int k = 0; k < full.length; k++) {
                    assertEquals(want.data[k], full[k], 1e-12 * Math.max(1, Math.abs(want.data[k])), what + " @" + k);
                }
            }
            try (var l = Files.list(dir.resolve("csr-" + seeding))) {
                assertEquals(w.length, l.count(), "only the results, no temporaries");
            }
            // the part-file layout (HDFS's; here joined by an executor) gives the same archive, byte for byte
            JacobianInputs parts = prepare(expr.trim(), in, "parts-" + seeding, rows, w);
            parts.request.format = JacobianRequest.Format.CSR;
            parts.request.seeding = seeding;
            parts.request.forcePartsOutput = true;
            JacobianJob.run(jsc, parts, null);
            for (String x : w) {
                assertArrayEquals(
                        Files.readAllBytes(dir.resolve("csr-" + seeding).resolve(x + ".npz")),
                        Files.readAllBytes(dir.resolve("parts-" + seeding).resolve(x + ".npz")),
                        expr + " d/d" + x + " " + seeding + ": part files = in place");
            }
            try (var l = Files.list(dir.resolve("parts-" + seeding))) {
                assertEquals(w.length, l.count(), "only the results, no temporaries");
            }
        }
    }

    /**
     * A format per input, and auto: d/dX of tanh(X) is diagonal (CSR is smaller), d/dW of inv(W) is full (CSR would
     * be larger than dense). Auto writes X.npz and W.npy; asking CSR for W by name writes W.npz with a warning saying
     * it is larger than the dense file; every value equals the dense run's.
     */
    @Test
    void aFormatPerInputAndAuto() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(17, "X:12x12", "W:12x12");
        for (int d = 0; d < 12; d++) {
            in.get("W").add(d, d, 12); // well conditioned
        }
        String expr = "tanh(X) + inv(W)";
        JacobianJob.run(jsc, prepare(expr, in, "dense", 16, "X", "W"), null);

        JacobianInputs auto = prepare(expr, in, "auto", 16, "X", "W");
        auto.request.format = JacobianRequest.Format.AUTO;
        assertEquals(List.of(JacobianRequest.Format.CSR, JacobianRequest.Format.NPY), auto.formats());
        JacobianJob.run(jsc, auto, null);
        try (var l = Files.list(dir.resolve("auto"))) {
            assertEquals(
                    List.of("W.npy", "X.npz"),
                    l.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("dense/W.npy")), Files.readAllBytes(dir.resolve("auto/W.npy")));
        assertDenseEquals(dir.resolve("dense/X.npy"), dir.resolve("auto/X.npz"));

        JacobianRequest req =
                new JacobianRequest().expr(expr).out(dir.resolve("named").toString());
        in.keySet().forEach(n -> req.input(n, dir.resolve(n + ".in.npy").toString()));
        req.wrt.addAll(List.of("X", "W"));
        req.formats.put("W", JacobianRequest.Format.CSR);
        JacobianInputs named = JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
        assertEquals(List.of(JacobianRequest.Format.NPY, JacobianRequest.Format.CSR), named.formats());
        assertEquals(1, named.warnings.size(), named.warnings.toString());
        assertTrue(
                named.warnings.get(0).startsWith("W.npz (")
                        && named.warnings.get(0).contains("is larger than the dense W.npy would be")
                        && named.warnings.get(0).contains("its pattern holds 100.0% of the entries"),
                named.warnings.get(0));
        JacobianJob.run(jsc, named, null);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("dense/X.npy")), Files.readAllBytes(dir.resolve("named/X.npy")));
        assertDenseEquals(dir.resolve("dense/W.npy"), dir.resolve("named/W.npz"));
        assertTrue(Files.size(dir.resolve("named/W.npz")) > Files.size(dir.resolve("dense/W.npy")));
    }

    private static void assertDenseEquals(Path npy, Path npz) throws IOException {
        Csr got = Csr.read(npz);
        double[] full = got.toDense();
        double[] want = io.adjoint.core.testing.TestArrays.readAll(npy);
        assertEquals(want.length, full.length);
        for (int k = 0; k < full.length; k++) {
            assertEquals(want[k], full[k], 0.0, npz + " @" + k);
        }
    }

    @Test
    void aRetriedBlockLeavesTheSameBytes() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(3, "W:6x5", "X:5x7");
        JacobianInputs clean = prepare("tanh(W @ X)", in, "clean", 6, "X");
        clean.request.format = JacobianRequest.Format.CSR;
        JacobianJob.run(jsc, clean, null);
        jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", "2");
        try {
            JacobianInputs retried = prepare("tanh(W @ X)", in, "retried", 6, "X");
            retried.request.format = JacobianRequest.Format.CSR;
            JacobianJob.run(jsc, retried, null);
        } finally {
            jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", null);
        }
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("clean/X.npz")), Files.readAllBytes(dir.resolve("retried/X.npz")));
        jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", "1");
        try {
            JacobianInputs retried = prepare("tanh(W @ X)", in, "retried-parts", 6, "X");
            retried.request.format = JacobianRequest.Format.CSR;
            retried.request.forcePartsOutput = true;
            JacobianJob.run(jsc, retried, null);
        } finally {
            jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", null);
        }
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("clean/X.npz")),
                Files.readAllBytes(dir.resolve("retried-parts/X.npz")),
                "as part files too");
    }

    /**
     * A diagonal Jacobian as dense .npy: 128 MiB whose 4 KiB pages of zeros are never written, so the file
     * takes a small part of its size on disk, and reads back as the exact diagonal.
     */
    @Test
    void aDiagonalJacobianStaysASparseFile() throws Exception {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(4, "X:64x64");
        JacobianInputs ji = prepare("tanh(X)", in, "diag", 512, "X");
        JacobianJob.run(jsc, ji, null);
        Path f = dir.resolve("diag/X.npy");
        Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).start();
        String[] st = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                .trim()
                .split(" ", -1);
        assertEquals(0, p.waitFor());
        long onDisk = Long.parseLong(st[0]) * Long.parseLong(st[1]);
        long size = Files.size(f);
        assertTrue(size > 128L << 20, "size " + size);
        // each 32 KiB row holds one non-zero: one 4 KiB page of eight is written
        assertTrue(onDisk <= size / 8 + (1 << 20), "on disk " + onDisk + " of " + size + ": zero pages were written");
        DMatrixRMaj j = JacobianJobTest.read(f, new long[] {64, 64, 64, 64});
        DMatrixRMaj x = in.get("X");
        for (int r = 0; r < 4096; r++) {
            for (int c = 0; c < 4096; c++) {
                double t = Math.tanh(x.data[r]);
                double want = r == c ? 1 - t * t : 0;
                assertEquals(want, j.get(r, c), 1e-15, "(" + r + ", " + c + ")");
            }
        }
    }

    /** A CSR matrix read from an .npz with the JDK's ZipFile (int32 or int64 indices). */
    record Csr(long rows, long cols, long[] indptr, long[] indices, double[] data) {
        static Csr read(Path npz) throws IOException {
            try (ZipFile z = new ZipFile(npz.toFile())) {
                ByteBuffer shape = entry(z, "shape");
                String format = new String(bytes(z, "format"), java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(format.endsWith("csr"), format);
                long rows = shape.getLong();
                long cols = shape.getLong();
                return new Csr(rows, cols, ints(z, "indptr"), ints(z, "indices"), doubles(z, "data"));
            }
        }

        double[] toDense() {
            double[] d = new double[Math.toIntExact(rows * cols)];
            for (int r = 0; r < rows; r++) {
                for (long k = indptr[r]; k < indptr[r + 1]; k++) {
                    d[(int) (r * cols + indices[(int) k])] = data[(int) k];
                }
            }
            return d;
        }

        private static byte[] bytes(ZipFile z, String name) throws IOException {
            try (InputStream in = z.getInputStream(z.getEntry(name + ".npy"))) {
                return in.readAllBytes();
            }
        }

        private static String descr(byte[] npy) {
            int len = (npy[8] & 0xff) | ((npy[9] & 0xff) << 8);
            String dict = new String(npy, 10, len, java.nio.charset.StandardCharsets.US_ASCII);
            return dict.substring(dict.indexOf("'descr': '") + 10, dict.indexOf("', 'fortran"));
        }

        private static ByteBuffer entry(ZipFile z, String name) throws IOException {
            byte[] npy = bytes(z, name);
            int len = (npy[8] & 0xff) | ((npy[9] & 0xff) << 8);
            return ByteBuffer.wrap(npy, 10 + len, npy.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        private static long[] ints(ZipFile z, String name) throws IOException {
            String d = descr(bytes(z, name));
            ByteBuffer b = entry(z, name);
            int n = b.remaining() / (d.equals("<i4") ? 4 : 8);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = d.equals("<i4") ? b.getInt() : b.getLong();
            }
            return v;
        }

        private static double[] doubles(ZipFile z, String name) throws IOException {
            assertEquals("<f8", descr(bytes(z, name)));
            ByteBuffer b = entry(z, name);
            double[] v = new double[b.remaining() / 8];
            b.asDoubleBuffer().get(v);
            return v;
        }
    }
}
