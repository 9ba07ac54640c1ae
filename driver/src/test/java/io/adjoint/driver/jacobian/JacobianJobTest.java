package io.adjoint.driver.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.driver.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Distributed on local[2] (B not dividing p·q) equals the single-JVM sweep and central differences. */
class JacobianJobTest extends SparkTestBase {
    @TempDir
    Path dir;

    JacobianInputs prepare(String expr, Map<String, DMatrixRMaj> in, int rows, String... wrt) throws IOException {
        JacobianRequest req = new JacobianRequest();
        req.expr = expr;
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".in.npy");
            NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            req.inputs.put(e.getKey(), p.toString());
        }
        req.wrt.addAll(List.of(wrt));
        req.outDir = dir.resolve("out").toString();
        req.rowsPerTask = rows > 0 ? rows : null;
        req.overwrite = true;
        return JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
    }

    static DMatrixRMaj read(Path p, long[] shape) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            NpyHeader h = NpyHeader.read(src);
            assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(h.shape()));
            return NpyReader.readAll(src, h, 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tanh(W2 @ tanh(W1 @ X + b1) + b2) | 3 | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1 | X,W1,b2",
                "X @ X.T + sum(X * X, 1) | 4 | X:3x5 | X",
                "sum(softmax(W @ X, 1)) | 1 | W:2x3 X:3x4 | W,X",
                "relu(N) @ A.T - 0.5 | 7 | N:3x7 A:4x7 | A,N",
                "inv(S) @ X | 100 | S:3x3 X:3x2 | S",
                "c + r * X - s / (1 + square(X)) | 5 | c:4x1 r:1x3 X:4x3 s:1x1 | X,c,r,s",
            })
    void distributedEqualsSingleJvmAndFiniteDifferences(String expr, int rows, String specs, String wrt)
            throws IOException {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        for (JacobianRequest.Seeding seeding : JacobianRequest.Seeding.values()) {
            checkDistributed(expr, rows, in, wrt, seeding);
        }
    }

    /** One seeding mode: every result equals the plain single-JVM sweep (1e-12) and central differences. */
    private void checkDistributed(
            String expr, int rows, Map<String, DMatrixRMaj> in, String wrt, JacobianRequest.Seeding seeding)
            throws IOException {
        JacobianInputs ji = prepare(expr.trim(), in, rows, wrt.trim().split(","));
        ji.request.seeding = seeding;
        List<String> log = new java.util.ArrayList<>();
        JacobianJob.Summary s = JacobianJob.run(jsc, ji, log::add);
        String seedLines = String.join(
                "\n", log.stream().filter(l -> l.contains("pattern")).toList());
        assertEquals(ji.wrt.size(), seedLines.split("\n", -1).length, "one seeding line per input: " + log);
        if (seeding == JacobianRequest.Seeding.DENSE) {
            assertFalse(seedLines.contains("compressed"), seedLines);
        }
        assertEquals(Math.min(rows, ji.graph.outputShape().size()), s.blocks().rowsPerBlock());
        int p = ji.graph.outputShape().rows;
        int q = ji.graph.outputShape().cols;
        for (String w : ji.wrt) {
            DMatrixRMaj x = in.get(w);
            DMatrixRMaj got = read(dir.resolve("out").resolve(w + ".npy"), new long[] {p, q, x.numRows, x.numCols});
            DMatrixRMaj local = GraphTesting.sweepAll(ji.tape, w, 5);
            assertNull(GraphTesting.compare(got, local, 1e-12, 1e-14), w + ": distributed vs single JVM, " + seeding);
            DMatrixRMaj fd = FiniteDifferences.jacobian(ji.graph, in, w, 1e-6, Functions.standard());
            assertNull(GraphTesting.compare(got, fd, 1e-6, 1e-7), w + ": vs finite differences");
        }
        try (var l = Files.list(dir.resolve("out"))) {
            assertEquals(ji.wrt.size(), l.count(), "only the results, no temporaries");
        }
    }

    /**
     * X @ W d/dX: colour j for row (i, j), every block of one row i holds all q colours: as many seeds as rows, so
     * auto seeding sweeps row by row (said on the plan line), with the same result; larger blocks compress.
     */
    @Test
    void compressionThatDoesNotPayOverTheseBlocksIsDropped() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(8, "X:40x3", "W:3x2");
        for (int rows : new int[] {2, 40}) {
            JacobianInputs ji = prepare("X @ W", in, rows, "X");
            List<String> log = new java.util.ArrayList<>();
            JacobianJob.run(jsc, ji, log::add);
            String line =
                    log.stream().filter(l -> l.contains("pattern")).findFirst().orElseThrow();
            assertEquals(rows == 40, line.contains("compressed seeding"), line);
            DMatrixRMaj got = read(dir.resolve("out").resolve("X.npy"), new long[] {40, 2, 40, 3});
            assertNull(GraphTesting.compare(got, GraphTesting.sweepAll(ji.tape, "X", 7), 1e-12, 1e-14));
        }
    }

    @Test
    void anInputTheOutputIgnoresGetsZerosAndAWarning() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(4, "X:2x3", "Y:4x1");
        JacobianInputs ji = prepare("tanh(X)", in, 0, "X", "Y");
        assertEquals(List.of("input Y is not used by the expression; its Jacobian is all zeros"), ji.warnings);
        java.util.List<String> log = new java.util.ArrayList<>();
        JacobianJob.run(jsc, ji, log::add);
        assertTrue(log.get(0).contains("warning: input Y is not used"), log.toString());
        DMatrixRMaj y = read(dir.resolve("out/Y.npy"), new long[] {2, 3, 4, 1});
        for (double v : y.data) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void aFailingJobRemovesTheFolderItCreated() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(5, "X:4x4");
        JacobianInputs ji = prepare("X @ X", in, 3, "X");
        jsc.setLocalProperty("spark.adjoint.test.failAlways", "2");
        try {
            assertThrows(Exception.class, () -> JacobianJob.run(jsc, ji, null));
        } finally {
            jsc.setLocalProperty("spark.adjoint.test.failAlways", null);
        }
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void handsTheJacobianToMllibWithoutAFile() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(6, "W:3x4", "X:4x2");
        JacobianInputs ji = prepare("sigmoid(W @ X)", in, 2, "W");
        var m = JacobianJob.toIndexedRowMatrix(jsc, ji, "W");
        assertEquals(6, m.numRows());
        assertEquals(12, m.numCols());
        DMatrixRMaj local = GraphTesting.sweepAll(ji.tape, "W", 6);
        List<IndexedRow> rows = m.rows().toJavaRDD().collect();
        assertEquals(6, rows.size());
        for (IndexedRow r : rows) {
            for (int c = 0; c < 12; c++) {
                assertEquals(local.get((int) r.index(), c), r.vector().apply(c), 1e-15);
            }
        }
        assertEquals(6, m.toBlockMatrix().numRows());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    /**
     * A small job on driver threads ({@code spark.adjoint.driverTasks=always}, which auto picks for small work)
     * writes the same bytes as Spark's tasks, for every seeding and both formats, blocks not dividing the rows; the
     * plan line says where the tasks ran.
     */
    @Test
    void driverThreadsWriteTheSameBytesAsSparkTasks() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(11, "W1:5x4", "W2:3x5", "X:4x6", "b1:5x1", "b2:3x1");
        for (JacobianRequest.Format format : JacobianRequest.Format.values()) {
            for (JacobianRequest.Seeding seeding : JacobianRequest.Seeding.values()) {
                java.util.Map<String, byte[]> got = new java.util.HashMap<>();
                for (String mode : List.of("never", "always")) {
                    if (Files.exists(dir.resolve("out"))) { // the other format's results
                        try (var l = Files.list(dir.resolve("out"))) {
                            for (Path f : l.toList()) {
                                Files.delete(f);
                            }
                        }
                    }
                    JacobianInputs ji = prepare("tanh(W2 @ tanh(W1 @ X + b1) + b2)", in, 4, "X", "W1", "b2");
                    ji.request.seeding = seeding;
                    ji.request.format = format;
                    List<String> log = new java.util.ArrayList<>();
                    jsc.setLocalProperty("spark.adjoint.driverTasks", mode);
                    try {
                        JacobianJob.run(jsc, ji, log::add);
                    } finally {
                        jsc.setLocalProperty("spark.adjoint.driverTasks", null);
                    }
                    assertEquals(
                            mode.equals("always"),
                            log.stream().anyMatch(l -> l.contains("driver threads")),
                            mode + ": " + log);
                    assertTrue(log.stream().anyMatch(l -> l.contains("blocks (100%)")), "progress: " + log);
                    for (int i = 0; i < ji.wrt.size(); i++) {
                        String w = ji.wrt.get(i);
                        byte[] bytes = Files.readAllBytes(dir.resolve("out").resolve(ji.fileName(i)));
                        byte[] before = got.put(w, bytes);
                        if (before != null) {
                            assertTrue(
                                    java.util.Arrays.equals(before, bytes),
                                    w + " " + format + " " + seeding + ": driver threads differ from Spark tasks");
                        }
                    }
                    try (var l = Files.list(dir.resolve("out"))) {
                        assertEquals(ji.wrt.size(), l.count(), "only the results, no temporaries");
                    }
                }
            }
        }
    }

    /**
     * A job context that starts Spark only when asked: a small job on a local master (driver threads) never asks,
     * the same job with Spark tasks forced asks once, and both write the same bytes; closing an unstarted context
     * starts nothing.
     */
    @Test
    void aLazyContextStartsSparkOnlyForSparkTasks() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(12, "W1:5x4", "X:4x6", "b1:5x1");
        byte[] first = null;
        for (String mode : List.of("auto", "never")) {
            Path result = dir.resolve("out").resolve("X.npy");
            Files.deleteIfExists(result);
            int[] starts = {0};
            org.apache.spark.SparkConf conf =
                    new org.apache.spark.SparkConf().setMaster("local[2]").set("spark.adjoint.driverTasks", mode);
            io.adjoint.driver.exec.JobContext ctx =
                    io.adjoint.driver.exec.JobContext.lazy(conf, jsc.hadoopConfiguration(), () -> {
                        starts[0]++;
                        return jsc; // the test's running context stands in for a new one
                    });
            List<String> log = new java.util.ArrayList<>();
            JacobianJob.run(ctx, prepare("tanh(W1 @ X + b1)", in, 4, "X"), log::add);
            assertEquals(mode.equals("auto") ? 0 : 1, starts[0], mode + ": Spark starts; " + log);
            assertEquals(mode.equals("auto"), ctx.isLocal() && !ctx.started(), mode);
            if (mode.equals("auto")) {
                ctx.close();
                assertEquals(0, starts[0], "closing an unstarted context starts nothing");
            } // else: closing would stop the test's shared context
            byte[] bytes = Files.readAllBytes(result);
            if (first == null) {
                first = bytes;
            } else {
                assertTrue(java.util.Arrays.equals(first, bytes), "driver threads and Spark tasks differ");
            }
        }
    }
}
