package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.products.ProductJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code adjoint vjp} and {@code adjoint jvp} on embedded Spark ({@code local[2]}, N = 5 products in tasks of 2):
 * single and batched products of composite expressions equal the products with the full Jacobian from the reverse
 * sweep (1e-12); the MLP's equal NumPy's hand-written backpropagation and forward tangents (1e-12); the Java API
 * gives the same; every bad cotangent or tangent is exit 2 with one line and nothing left.
 */
class ProductsCliTest {
    @TempDir
    Path dir;

    static DMatrixRMaj gaussian(Random rng, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    static DMatrixRMaj read(Path p, long... shape) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            NpyHeader h = NpyHeader.read(src);
            assertEquals(shape.length, h.rank(), p + " rank");
            for (int i = 0; i < shape.length; i++) {
                assertEquals(shape[i], h.dim(i), p + " axis " + i);
            }
            return NpyReader.readAll(src, h, shape.length == 3 ? 1 : 0);
        }
    }

    static void write(Path p, DMatrixRMaj m, long... shape) throws IOException {
        NpyWriter.write(p, shape, m.data);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tanh(W2 @ tanh(W1 @ X + b1) + b2) | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1",
                "sum(softmax(W @ X, 0) * Y) | W:3x4 X:4x5 Y:3x5",
                "trace(inv(S) @ X) | S:3x3 X:3x3",
                "-X.T @ pow(P, 0.5) | X:4x3 P:4x5",
                "A @ X + X @ B | A:4x4 X:4x7 B:7x7",
            })
    void productsEqualTheFullJacobiansProducts(String expr, String specs) throws IOException {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        Graph g = GraphTesting.compile(expr.trim(), in);
        Forward f = Forward.run(g, in, Functions.standard());
        List<String> base = new ArrayList<>(List.of("--master", "local[2]", "--expr", expr.trim(), "--quiet"));
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".npy");
            write(p, e.getValue(), e.getValue().numRows, e.getValue().numCols);
            base.addAll(List.of("--input", e.getKey() + "=" + p));
        }
        int p = g.outputShape().rows;
        int q = g.outputShape().cols;
        Random rng = new Random(21);
        int n = 5;
        DMatrixRMaj cot = gaussian(rng, n, p * q);
        write(dir.resolve("G.npy"), cot, n, p, q);
        write(dir.resolve("G1.npy"), CommonOps_DDRM.extractRow(cot, 0, null), p, q);
        List<String> names = new ArrayList<>(in.keySet());
        String wrt = String.join(",", names);

        // VJP, batched and single
        CliRunner r = run(
                base,
                "vjp",
                "--wrt",
                wrt,
                "--cotangent",
                dir.resolve("G.npy").toString(),
                "--out",
                dir.resolve("v").toString(),
                "--rows-per-task",
                "2");
        assertEquals(0, r.code, r.err);
        CliRunner r1 = run(
                base,
                "vjp",
                "--wrt",
                wrt,
                "--cotangent",
                dir.resolve("G1.npy").toString(),
                "--out",
                dir.resolve("v1").toString());
        assertEquals(0, r1.code, r1.err);
        DMatrixRMaj jvpWant = new DMatrixRMaj(n, p * q);
        List<String> tangentArgs = new ArrayList<>();
        for (String x : names) {
            DMatrixRMaj jac = GraphTesting.sweepAll(f.tape, x, 4);
            DMatrixRMaj want = new DMatrixRMaj(n, jac.numCols);
            CommonOps_DDRM.mult(cot, jac, want);
            int k = in.get(x).numRows;
            int l = in.get(x).numCols;
            assertNull(GraphTesting.compare(read(dir.resolve("v/" + x + ".npy"), n, k, l), want, 1e-12, 1e-12), x);
            assertNull(
                    GraphTesting.compare(
                            read(dir.resolve("v1/" + x + ".npy"), k, l),
                            CommonOps_DDRM.extractRow(want, 0, null),
                            1e-12,
                            1e-12),
                    x + " single");
            DMatrixRMaj t = gaussian(rng, n, k * l);
            write(dir.resolve("T" + x + ".npy"), t, n, k, l);
            tangentArgs.addAll(List.of("--tangent", x + "=" + dir.resolve("T" + x + ".npy")));
            CommonOps_DDRM.multAddTransB(t, jac, jvpWant);
        }
        assertEquals(
                names.stream().map(x -> x + ".npy").sorted().toList(),
                CliRunner.listing(dir.resolve("v")),
                "the results, no temporaries or claim");

        // JVP with tangents on every input, batched
        List<String> jargs = new ArrayList<>(tangentArgs);
        jargs.addAll(List.of("--out", dir.resolve("j").toString(), "--rows-per-task", "2"));
        CliRunner j = run(base, "jvp", jargs.toArray(new String[0]));
        assertEquals(0, j.code, j.err);
        assertNull(GraphTesting.compare(read(dir.resolve("j/out.npy"), n, p, q), jvpWant, 1e-12, 1e-12), "jvp");
        assertEquals(List.of("out.npy"), CliRunner.listing(dir.resolve("j")));
    }

    CliRunner run(List<String> base, String command, String... more) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(base);
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(new String[0]));
    }

    /** NumPy's own backpropagation and forward tangents of the MLP, written out by hand: an independent reference. */
    static final String NUMPY = String.join(
            "\n",
            "import numpy as np",
            "r = np.random.default_rng(5); n, m, N = 6, 4, 7",
            "W1 = r.standard_normal((n, n)); W2 = r.standard_normal((n, n)) / 2; X = r.standard_normal((n, m))",
            "b1 = r.standard_normal((n, 1)); b2 = r.standard_normal((1, m))",
            "G = r.standard_normal((N, n, m)); TX = r.standard_normal((N, n, m)); TW = r.standard_normal((N, n, n))",
            "for k, v in dict(W1=W1, W2=W2, X=X, b1=b1, b2=b2, G=G, TX=TX, TW=TW).items(): np.save(k + '.npy', v)",
            "h = np.tanh(W1 @ X + b1); y = np.tanh(W2 @ h + b2)",
            "d2 = G * (1 - y**2); d1 = (W2.T @ d2) * (1 - h**2)",
            "np.save('ref_vX.npy', W1.T @ d1); np.save('ref_vW1.npy', d1 @ X.T)",
            "hdot = (1 - h**2) * (W1 @ TX + TW @ X)",
            "np.save('ref_j.npy', (1 - y**2) * (W2 @ hdot))");

    @Test
    void theMlpsProductsEqualNumpysHandWrittenDerivatives() throws Exception {
        String py = System.getenv().getOrDefault("ADJOINT_PYTHON", "python3");
        Process p = new ProcessBuilder(py, "-c", NUMPY)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "python3 with NumPy is required (.ci/run installs it): " + out);
        List<String> base = new ArrayList<>(
                List.of("--master", "local[2]", "--quiet", "--expr", "tanh(W2 @ tanh(W1 @ X + b1) + b2)"));
        for (String k : List.of("W1", "W2", "X", "b1", "b2")) {
            base.addAll(List.of("--input", k + "=" + dir.resolve(k + ".npy")));
        }
        assertEquals(
                0,
                run(
                                base,
                                "vjp",
                                "--wrt",
                                "X,W1",
                                "--cotangent",
                                dir.resolve("G.npy").toString(),
                                "--out",
                                dir.resolve("v").toString(),
                                "--rows-per-task",
                                "3")
                        .code);
        assertEquals(
                0,
                run(
                                base,
                                "jvp",
                                "--tangent",
                                "X=" + dir.resolve("TX.npy"),
                                "--tangent",
                                "W1=" + dir.resolve("TW.npy"),
                                "--out",
                                dir.resolve("j").toString(),
                                "--rows-per-task",
                                "3")
                        .code);
        assertNull(GraphTesting.compare(
                read(dir.resolve("v/X.npy"), 7, 6, 4), read(dir.resolve("ref_vX.npy"), 7, 6, 4), 1e-12, 1e-12));
        assertNull(GraphTesting.compare(
                read(dir.resolve("v/W1.npy"), 7, 6, 6), read(dir.resolve("ref_vW1.npy"), 7, 6, 6), 1e-12, 1e-12));
        assertNull(GraphTesting.compare(
                read(dir.resolve("j/out.npy"), 7, 6, 4), read(dir.resolve("ref_j.npy"), 7, 6, 4), 1e-12, 1e-12));
    }

    @Test
    void theJavaApiGivesTheSameProducts() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(3, "W:3x4", "X:4x5");
        JacobianRequest req = new JacobianRequest().expr("tanh(W @ X)").wrt("X", "W");
        in.forEach(req::input);
        JacobianInputs ji =
                JacobianInputs.prepare(req, new org.apache.hadoop.conf.Configuration(), Functions.standard());
        Random rng = new Random(4);
        DMatrixRMaj cot = gaussian(rng, 7, 15);
        DMatrixRMaj tx = gaussian(rng, 7, 20);
        org.apache.spark.api.java.JavaSparkContext jsc =
                new org.apache.spark.api.java.JavaSparkContext(io.adjoint.driver.spark.AdjointSpark.configure(
                        new org.apache.spark.SparkConf().setMaster("local[2]").setAppName("products")));
        try {
            // a misspelled tangent is an error naming the inputs, not a silent zero product
            io.adjoint.core.InvalidInputException typo = org.junit.jupiter.api.Assertions.assertThrows(
                    io.adjoint.core.InvalidInputException.class, () -> ProductJob.jvp(jsc, ji, Map.of("x", tx), 3));
            assertEquals("tangent x: no input of that name (inputs: W, X)", typo.getMessage());
            // the execution layer places the in-memory products too: both places, the same products
            for (String where : List.of("never", "always")) {
                jsc.setLocalProperty("spark.adjoint.driverTasks", where);
                Map<String, DMatrixRMaj> v = ProductJob.vjp(jsc, ji, cot, 3);
                DMatrixRMaj j = ProductJob.jvp(jsc, ji, Map.of("X", tx), 3);
                for (String x : List.of("X", "W")) {
                    DMatrixRMaj jac = GraphTesting.sweepAll(ji.tape, x, 4);
                    DMatrixRMaj want = new DMatrixRMaj(7, jac.numCols);
                    CommonOps_DDRM.mult(cot, jac, want);
                    assertNull(GraphTesting.compare(v.get(x), want, 1e-12, 1e-12), where + " " + x);
                    if (x.equals("X")) {
                        DMatrixRMaj jw = new DMatrixRMaj(7, 15);
                        CommonOps_DDRM.multAddTransB(tx, jac, jw);
                        assertNull(GraphTesting.compare(j, jw, 1e-12, 1e-12), where + " jvp");
                    }
                }
            }
        } finally {
            jsc.stop();
        }
    }

    @Test
    void badCotangentsAndTangentsAreUsageErrors() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(8, "W:3x4", "X:4x2");
        List<String> base = new ArrayList<>(List.of("--master", "local[2]", "--expr", "tanh(W @ X)"));
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            write(dir.resolve(e.getKey() + ".npy"), e.getValue(), e.getValue().numRows, e.getValue().numCols);
            base.addAll(List.of("--input", e.getKey() + "=" + dir.resolve(e.getKey() + ".npy")));
        }
        Random rng = new Random(1);
        write(dir.resolve("wrong.npy"), gaussian(rng, 2, 4), 2, 4);
        write(dir.resolve("T3.npy"), gaussian(rng, 3, 8), 3, 4, 2);
        write(dir.resolve("U2.npy"), gaussian(rng, 2, 12), 2, 3, 4);
        write(dir.resolve("U1.npy"), gaussian(rng, 1, 12), 3, 4);
        Files.writeString(dir.resolve("junk.npy"), "not a numpy file");
        Path out = dir.resolve("D");
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(
                new String[] {
                    "vjp", "--wrt", "X", "--cotangent", dir.resolve("wrong.npy").toString()
                },
                "is neither the output's (3, 2) nor (N, 3, 2)");
        cases.put(
                new String[] {
                    "vjp", "--wrt", "X", "--cotangent", dir.resolve("junk.npy").toString()
                },
                "--cotangent " + dir.resolve("junk.npy"));
        cases.put(
                new String[] {
                    "vjp", "--wrt", "Z", "--cotangent", dir.resolve("wrong.npy").toString()
                },
                "--wrt Z: not an input");
        cases.put(new String[] {"jvp", "--tangent", "Z=" + dir.resolve("T3.npy")}, "--tangent Z=…: Z is not an input");
        cases.put(
                new String[] {"jvp", "--tangent", "X=" + dir.resolve("wrong.npy")},
                "is neither the input's (4, 2) nor (N, 4, 2)");
        cases.put(
                new String[] {
                    "jvp", "--tangent", "X=" + dir.resolve("T3.npy"), "--tangent", "W=" + dir.resolve("U2.npy")
                },
                "N = 2, but --tangent X has N = 3");
        cases.put(
                new String[] {
                    "jvp", "--tangent", "X=" + dir.resolve("T3.npy"), "--tangent", "W=" + dir.resolve("U1.npy")
                },
                "a single tangent, but --tangent X has N = 3");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            List<String> a = new ArrayList<>(List.of(c.getKey()).subList(0, 1));
            a.addAll(base);
            a.addAll(List.of(c.getKey()).subList(1, c.getKey().length));
            a.addAll(List.of("--out", out.toString()));
            String line = HardeningTest.usage(CliRunner.run(a.toArray(new String[0])), c.getValue());
            assertTrue(line.startsWith("adjoint " + c.getKey()[0] + ": "), line);
            assertFalse(Files.exists(out), "nothing left: " + line);
        }
    }
}
