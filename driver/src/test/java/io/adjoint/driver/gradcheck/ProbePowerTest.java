package io.adjoint.driver.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.check.TileStats;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.SparkTestBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probe mode on the MLP tanh(W2 @ tanh(W1 @ X + b1) + b2) at n = 64 and 96 (16.7 M and 85 M entries), with single
 * wrong entries planted in the analytic Jacobian by the {@code plant} test op (the numeric side stays exact):
 * errors of 1e-4 — a hundred times atol — are found and named at 20 random positions, half of them at structural
 * zeros (∂out[i,j]/∂X[r,s] with j ≠ s); correct Jacobians pass for 20 seeds; and the detection size D each check
 * states holds empirically: an error of 3·D is seen by the projections every time.
 */
class ProbePowerTest extends SparkTestBase {
    static final String MLP = "tanh(W2 @ tanh(W1 @ X + b1) + b2)";

    @TempDir
    Path dir;

    static DMatrixRMaj random(Random rng, int rows, int cols, double scale) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * rng.nextGaussian();
        }
        return m;
    }

    GradcheckResult check(int n, String expr, long seed) throws IOException {
        Random rng = new Random(n);
        GradcheckRequest req = new GradcheckRequest();
        req.job
                .expr(expr)
                .input("W1", random(rng, n, n, 1 / Math.sqrt(n)))
                .input("W2", random(rng, n, n, 1 / Math.sqrt(n)))
                .input("b1", random(rng, n, 1, 0.1))
                .input("b2", random(rng, n, 1, 0.1))
                .input("X", random(rng, n, n, 1))
                .wrt("X");
        req.mode = CheckMode.PROBE;
        req.seed = seed;
        req.reportDir = dir.resolve("report").toString();
        GradcheckInputs in = GradcheckInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
        List<GradcheckResult> results = GradcheckJob.run(jsc, in, null);
        assertEquals(1, results.size());
        return results.get(0);
    }

    static String planted(int n, int i, int j, int r, int s, double delta) {
        return "plant(" + MLP + ", X, " + (i * n + j) + ", " + (r * n + s) + ", " + delta + ")";
    }

    @Test
    void singleWrongEntriesOfOneHundredAtolAreFoundAndNamed() throws IOException {
        Random rng = new Random(2026);
        int found = 0;
        for (int n : new int[] {64, 96}) {
            for (int k = 0; k < 10; k++) {
                int i = rng.nextInt(n);
                int j = rng.nextInt(n);
                int r = rng.nextInt(n);
                // even k: a structural zero (j ≠ s); odd k: a structural non-zero (j = s)
                int s = k % 2 == 0 ? (j + 1 + rng.nextInt(n - 1)) % n : j;
                GradcheckResult res = check(n, planted(n, i, j, r, s, 1e-4), k + 1);
                String at = "n=" + n + " ∂out[" + i + "," + j + "]/∂X[" + r + "," + s + "]: " + res.probeLog;
                assertFalse(res.passed(), at);
                assertEquals(1, res.failed, at);
                TileStats.Entry worst = res.worst.get(0);
                assertEquals((long) i * n + j, worst.row, at);
                assertEquals((long) r * n + s, worst.col, at);
                assertEquals(1e-4, worst.absError, 1e-6, at);
                found++;
            }
        }
        assertEquals(20, found);
    }

    @Test
    void correctJacobiansPassAndTheStatedDetectionSizeHolds() throws IOException {
        Random rng = new Random(7);
        for (long seed = 1; seed <= 20; seed++) {
            int n = seed <= 14 ? 64 : 96;
            GradcheckResult ok = check(n, MLP, seed);
            assertTrue(ok.passed(), "seed " + seed + ": " + ok.probeLog);
            assertEquals(0, ok.probesFailed, "seed " + seed);
            double d = ok.detectable;
            assertTrue(d > 0 && d <= 1e-6, "seed " + seed + ": the automatic --probes reach D ≤ atol, got " + d);
            // an error of 3·D at a random position, same seed (same projections): the projections see it
            int i = rng.nextInt(n);
            int j = rng.nextInt(n);
            GradcheckResult bad = check(n, planted(n, i, j, rng.nextInt(n), rng.nextInt(n), 3 * d), seed);
            assertTrue(bad.probesFailed > 0, "seed " + seed + ": 3·D = " + 3 * d + " missed; " + bad.probeLog);
        }
    }
}
