package io.adjoint.driver.gradcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.SparkTestBase;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a check's tasks get their values ({@link Evaluations}) and how full mode keeps within memory
 * ({@link CheckMemory}): in local mode the tasks use the driver's own inputs and tape (no second copy is loaded);
 * a JVM without them (an executor) reads the same values from the input files and runs the same forward pass;
 * a full-mode task holding one column at a time reaches the same verdict and statistics as one holding its tile.
 */
class CheckValuesTest extends SparkTestBase {
    static final String MLP = "tanh(W2 @ tanh(W1 @ X + b1) + b2)";

    @TempDir
    Path dir;

    /** The MLP's inputs at size n, written to {@code dir} as .npy files; returns name → matrix. */
    Map<String, DMatrixRMaj> writeInputs(int n) throws IOException {
        Random rng = new Random(n);
        Map<String, DMatrixRMaj> m = new LinkedHashMap<>();
        m.put("W1", ProbePowerTest.random(rng, n, n, 1 / Math.sqrt(n)));
        m.put("W2", ProbePowerTest.random(rng, n, n, 1 / Math.sqrt(n)));
        m.put("b1", ProbePowerTest.random(rng, n, 1, 0.1));
        m.put("b2", ProbePowerTest.random(rng, n, 1, 0.1));
        m.put("X", ProbePowerTest.random(rng, n, n, 1));
        for (Map.Entry<String, DMatrixRMaj> e : m.entrySet()) {
            DMatrixRMaj v = e.getValue();
            NpyWriter.write(dir.resolve(e.getKey() + ".npy"), new long[] {v.numRows, v.numCols}, v.data);
        }
        return m;
    }

    GradcheckResult check(CheckMode mode) throws IOException {
        GradcheckRequest req = new GradcheckRequest();
        req.job.expr(MLP).wrt("X");
        for (String name : List.of("W1", "W2", "b1", "b2", "X")) {
            req.job.input(name, dir.resolve(name + ".npy").toString());
        }
        req.mode = mode;
        req.reportDir = dir.resolve("report").toString();
        GradcheckInputs in = GradcheckInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
        return GradcheckJob.run(jsc, in, null).get(0);
    }

    @Test
    void localTasksUseTheDriversValues() throws IOException {
        writeInputs(24);
        int before = Evaluations.loads;
        GradcheckResult probe = check(CheckMode.PROBE);
        GradcheckResult full = check(CheckMode.FULL);
        assertTrue(probe.passed() && full.passed(), probe.probeLog + " / " + full.failed);
        assertEquals(before, Evaluations.loads, "a local task loaded the check's values a second time");
    }

    @Test
    void aJvmWithoutThemLoadsTheSameValuesFromTheFiles() throws IOException {
        int n = 12;
        Map<String, DMatrixRMaj> m = writeInputs(n);
        Map<String, String> uris = new LinkedHashMap<>();
        m.keySet().forEach(k -> uris.put(k, dir.resolve(k + ".npy").toUri().toString()));
        io.adjoint.core.graph.Graph g = io.adjoint.core.graph.Graph.compile(
                io.adjoint.core.expr.Parser.parse(MLP), shapes(m), Functions.standard());
        Shape4 shape = new Shape4(n, n, n, n);
        CheckData d = new CheckData.Builder()
                .key("test-" + System.nanoTime())
                .graph(g)
                .inputUris(uris)
                .wrt("X")
                .wrtNode(g.inputs().get("X"))
                .analyticRowDims(2)
                .eps(1e-6)
                .tol(new Tolerance(1e-5, 1e-3))
                .grid(TileGrid.of(shape, 4))
                .worst(5)
                .seed(1)
                .conf(new HadoopConf(jsc.hadoopConfiguration()))
                .build();
        int before = Evaluations.loads;
        Evaluations.Evaluation ev = Evaluations.of(d);
        assertEquals(before + 1, Evaluations.loads);
        assertTrue(Evaluations.of(d) == ev, "a second task of the same check loads again");
        for (String k : m.keySet()) {
            assertArrayEquals(m.get(k).data, ev.inputs.get(k).data, 0, k);
        }
        // the tape an executor builds sweeps to exactly the rows of the driver's
        DMatrixRMaj mine = ReverseSweep.sweep(ev.tape(), new int[] {d.wrtNode}, 5, 9)[0];
        DMatrixRMaj drivers =
                ReverseSweep.sweep(Forward.run(g, m, Functions.standard()).tape, new int[] {d.wrtNode}, 5, 9)[0];
        assertArrayEquals(drivers.data, mine.data, 0);
        // an input that changed shape under the check is named, not misread
        DMatrixRMaj bigger = new DMatrixRMaj(n + 1, n);
        NpyWriter.write(dir.resolve("X.npy"), new long[] {n + 1, n}, bigger.data);
        Evaluations.forget(d.key);
        IOException e = assertThrows(IOException.class, () -> Evaluations.of(d));
        assertTrue(e.getMessage().contains("changed during the run"), e.getMessage());
    }

    @Test
    void fullModeInColumnChunksGivesTheSameStatistics() throws IOException {
        writeInputs(16);
        GradcheckResult whole = check(CheckMode.FULL);
        int cap = CheckMemory.columnCap;
        GradcheckResult chunked;
        try {
            CheckMemory.columnCap = 3; // tiles of 4 columns in chunks of 3 and 1
            chunked = check(CheckMode.FULL);
        } finally {
            CheckMemory.columnCap = cap;
        }
        assertEquals(16L * 16 * 16 * 16, chunked.compared);
        assertEquals(whole.compared, chunked.compared);
        assertEquals(whole.failed, chunked.failed);
        assertEquals(whole.maxAbs, chunked.maxAbs, 1e-15);
        for (int i = 0; i < whole.tileMax.length; i++) {
            assertArrayEquals(whole.tileMax[i], chunked.tileMax[i], 1e-15);
        }
        assertTrue(whole.passed() && chunked.passed());
    }

    static Map<String, io.adjoint.core.graph.Shape2> shapes(Map<String, DMatrixRMaj> m) {
        Map<String, io.adjoint.core.graph.Shape2> s = new LinkedHashMap<>();
        m.forEach((k, v) -> s.put(k, new io.adjoint.core.graph.Shape2(v.numRows, v.numCols)));
        return s;
    }
}
