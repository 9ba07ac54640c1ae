package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a gradcheck verdict can be trusted for: NaN and Inf end in a verdict within seconds, naming the entry; each
 * exit code comes from a real failure of its kind (1 FAIL, 2 bad input, 3 internal failure); absurd tolerances are
 * refused; a probe-only PASS says what was compared and how large an error it would have found.
 */
class GradcheckTrustTest {
    @TempDir
    Path dir;

    final GradcheckCliTest cli = new GradcheckCliTest();

    CliRunner gradcheck(String expr, Map<String, DMatrixRMaj> in, String report, String... extra) throws IOException {
        cli.dir = dir;
        return assertTimeoutPreemptively(
                Duration.ofSeconds(120), () -> cli.gradcheck(expr, in, "X", report, extra), "a verdict in time");
    }

    static Map<String, DMatrixRMaj> positiveWithAZero() {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(21, "X:4x4");
        DMatrixRMaj x = in.get("X");
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = Math.abs(x.data[i]) + 0.5;
        }
        x.set(1, 2, 0.0); // sqrt'(0) = ∞; the difference at 0 − h is NaN
        return in;
    }

    @ParameterizedTest
    @CsvSource({"full", "probe"})
    void aNonFiniteDerivativeFailsNamingItsEntry(String mode) throws IOException {
        CliRunner r = gradcheck("sqrt(X)", positiveWithAZero(), "rep", "--mode", mode);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("FAIL: "), r.out);
        assertTrue(r.out.contains("non-finite value, first ∂out[1,2]/∂X[1,2]: analytic Infinity"), r.out);
        assertTrue(Files.size(dir.resolve("rep/error-heatmap.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("rep/report.json")).contains("\"non_finite\": 1"));
    }

    @ParameterizedTest
    @CsvSource({"full, NaN", "probe, NaN", "full, Infinity", "probe, Infinity"})
    void aStoredJacobianWithANonFiniteEntryFails(String mode, double bad) throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(22, "X:3x3");
        DMatrixRMaj x = in.get("X");
        double[] j = new double[81]; // ∂sin(X)[i,j]/∂X[r,s] = cos(X[i,j]) where (i,j) = (r,s)
        for (int e = 0; e < 9; e++) {
            j[e * 9 + e] = Math.cos(x.data[e]);
        }
        j[4 * 9 + 4] = bad; // ∂out[1,1]/∂X[1,1]
        Path stored = dir.resolve("J.npy");
        NpyWriter.write(stored, new long[] {3, 3, 3, 3}, j);
        CliRunner r = gradcheck("sin(X)", in, "rep", "--mode", mode, "--jacobian", "X=" + stored);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(
                r.out.contains("first ∂out[1,1]/∂X[1,1]: analytic " + (Double.isNaN(bad) ? "NaN" : "Infinity")), r.out);
    }

    @Test
    void aNonFiniteInputIsRefusedWithExitTwo() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(23, "X:3x3");
        in.get("X").set(2, 1, Double.NaN);
        CliRunner r = gradcheck("tanh(X)", in, "rep");
        assertEquals(2, r.code, r.out + r.err);
        assertEquals(1, r.err.strip().split("\n").length, r.err);
        assertTrue(r.err.contains("X[2,1] is NaN; a gradient check needs finite inputs"), r.err);
        assertFalse(Files.exists(dir.resolve("rep")));
    }

    @Test
    void absurdStepsAndTolerancesAreRefused() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(24, "X:3x3");
        for (String[] extra : new String[][] {
            {"--eps", "Infinity"},
            {"--eps", "1e-320"},
            {"--eps", "NaN"},
            {"--atol", "Infinity"},
            {"--atol", "-1"},
            {"--rtol", "1"},
            {"--rtol", "NaN"}
        }) {
            CliRunner r = gradcheck("tanh(X)", in, "rep", extra);
            assertEquals(2, r.code, String.join(" ", extra) + ": " + r.out + r.err);
            assertEquals(1, r.err.strip().split("\n").length, r.err);
            assertTrue(r.err.contains(extra[0]), r.err);
            assertFalse(Files.exists(dir.resolve("rep")));
        }
    }

    @Test
    void anInternalFailureExitsThreeWithNoVerdictAndNoReport() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(25, "X:3x3");
        // every attempt of block 0 of the analytic sweep fails: the check cannot complete
        CliRunner r = gradcheck("tanh(X)", in, "rep", "--mode", "full", "--conf", "spark.adjoint.test.failAlways=0");
        assertEquals(3, r.code, r.out + r.err);
        assertEquals("", r.out, "no verdict");
        assertTrue(r.err.contains("internal error"), r.err);
        assertFalse(Files.exists(dir.resolve("rep")), "the report folder it created is gone");
        List<String> args = new ArrayList<>(List.of(
                "jacobian",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                "tanh(X)",
                "--wrt",
                "X",
                "--out",
                dir.resolve("jac").toString(),
                "--conf",
                "spark.adjoint.test.failAlways=0"));
        args.addAll(cli.inputs(in));
        CliRunner j = CliRunner.run(args.toArray(new String[0]));
        assertEquals(3, j.code, j.err);
        assertFalse(Files.exists(dir.resolve("jac")));
    }

    @Test
    void aProbeOnlyPassSaysWhatWasComparedAndItsPower() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(26, "X:6x6", "W:6x6");
        CliRunner r = gradcheck("tanh(W @ X)", in, "rep", "--mode", "probe");
        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("PASS: "), r.out);
        assertFalse(r.out.contains("entries compared"), r.out);
        assertFalse(r.out.contains("max abs error"), r.out);
        assertTrue(r.out.contains("no entry compared individually"), r.out);
        assertTrue(
                r.out.matches("(?s).*detects a single wrong entry of size ≥ \\d\\.\\d{3}e-\\d\\d with probability"
                        + " ≥ 1 − 1e-06.*"),
                r.out);
        String json = Files.readString(dir.resolve("rep/report.json"));
        assertTrue(json.contains("\"detects_single_entry_error_of\": "), json);
    }

    @ParameterizedTest
    @CsvSource({"full", "probe"})
    void storedJacobiansInTheShapesUsersHaveAreRead(String mode) throws IOException {
        // out = tanh(W @ x), W 3×4, x 4×1: (p, q, k, l) = (3, 1, 4, 1); PyTorch, with 1-D x and out, writes (3, 4)
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(27, "W:3x4", "X:4x1");
        DMatrixRMaj w = in.get("W");
        DMatrixRMaj x = in.get("X");
        double[] j = new double[12];
        for (int i = 0; i < 3; i++) {
            double z = 0;
            for (int k = 0; k < 4; k++) {
                z += w.get(i, k) * x.get(k, 0);
            }
            double t = Math.tanh(z);
            for (int k = 0; k < 4; k++) {
                j[i * 4 + k] = (1 - t * t) * w.get(i, k);
            }
        }
        for (long[] shape : new long[][] {{3, 4}, {3, 1, 4}, {3, 4, 1}, {3, 1, 4, 1}}) {
            Path stored = dir.resolve("J" + shape.length + shape[1] + ".npy");
            NpyWriter.write(stored, shape, j);
            String rep = "rep" + mode + shape.length + shape[1];
            CliRunner r = gradcheck("tanh(W @ X)", in, rep, "--mode", mode, "--jacobian", "X=" + stored);
            assertEquals(0, r.code, java.util.Arrays.toString(shape) + ": " + r.out + r.err);
            String json = Files.readString(dir.resolve(rep).resolve("report.json"));
            assertTrue(json.contains("\"analytic_side\": \"the stored Jacobian " + stored + ", read as "), json);
        }
        Path wrong = dir.resolve("wrong.npy");
        NpyWriter.write(wrong, new long[] {4, 3}, j);
        CliRunner r = gradcheck("tanh(W @ X)", in, "repw", "--mode", mode, "--jacobian", "X=" + wrong);
        assertEquals(2, r.code, r.out + r.err);
        assertTrue(r.err.contains("also accepted: the flattened (3, 4) matrix"), r.err);
    }

    @Test
    void projectionsOfAnExpressionThatIsItsInputAgree() throws IOException {
        // out = X: the forward pass hands back the (shifted) input itself; the differences must not alias it
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(28, "X:3x4");
        CliRunner r = gradcheck("X", in, "rep", "--mode", "probe");
        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.contains("random projections (0 beyond"), r.out);
    }

    /**
     * Memory too small for even one task: exit 2 before any task starts, naming the need and the setting — for
     * probe mode (a projection needs ≈ 272 MiB at n = 1800) and full mode (a task needs ≈ 1 GiB before its
     * columns) — in a driver with a 512 MiB heap (Spark's minimum), never an OutOfMemoryError.
     */
    @Test
    void tooLittleMemoryIsAUsageErrorNamingTheNeed() throws Exception {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(9, "W1:1800x1800", "W2:1800x1800", "X:1800x1800", "b1:1800x1", "b2:1800x1");
        List<String> args = new ArrayList<>(List.of(
                "gradcheck", "--master", "local[2]", "--expr", "tanh(W2 @ tanh(W1 @ X + b1) + b2)", "--wrt", "X"));
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".npy");
            NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            args.addAll(List.of("--input", e.getKey() + "=" + p));
        }
        for (String mode : List.of("probe", "full")) {
            List<String> a = new ArrayList<>(args);
            a.addAll(
                    List.of("--mode", mode, "--report", dir.resolve("r-" + mode).toString()));
            Process p = LargeResultTest.forkCli("512m", a.toArray(new String[0]));
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            String last = out.strip().lines().reduce((x, y) -> y).orElse("");
            assertTrue(last.startsWith("adjoint gradcheck: gradcheck of ∂out/∂X needs about "), last);
            assertTrue(last.contains("driver heap 512.0 MiB") && last.contains("ADJOINT_DRIVER_MEMORY="), last);
            assertFalse(out.contains("OutOfMemoryError"), out);
            assertFalse(Files.exists(dir.resolve("r-" + mode)), "no report folder left");
        }
    }
}
