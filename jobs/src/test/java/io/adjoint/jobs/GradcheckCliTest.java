package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gradcheck end to end on local[2]: no false alarms, planted errors caught and located, stored Jacobians checked. */
class GradcheckCliTest {
    @TempDir
    Path dir;

    List<String> inputs(Map<String, DMatrixRMaj> in) throws IOException {
        return CliRunner.inputs(dir, in);
    }

    CliRunner gradcheck(String expr, Map<String, DMatrixRMaj> in, String wrt, String report, String... extra)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "gradcheck",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                expr,
                "--wrt",
                wrt,
                "--report",
                dir.resolve(report).toString()));
        args.addAll(inputs(in));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    static final String[] ALL_OPS = {
        "sum(softmax(W @ tanh(X) + b, 1) * sigmoid(X.T @ W.T)) + mean(relu(N) - abs(N), 0) @ square(X).T",
        "trace(inv(S) @ exp(-X / 4)) * log(1 + square(X)) / sqrt(exp(X)) + pow(1 + square(X), -0.5) - sin(X) * cos(X)",
        "mean(X, 1) + sum(N, 1) - sum(X, 0).T @ mean(X)",
    };

    @ParameterizedTest
    @CsvSource({"full, 0", "full, 1", "full, 2", "probe, 0", "probe, 1", "probe, 2"})
    void correctExpressionsCoveringEveryOpPass(String mode, int which) throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(40 + which, "X:4x4", "W:4x4", "b:1x4", "N:4x4", "S:4x4");
        String expr = ALL_OPS[which];
        List<String> used = new ArrayList<>();
        for (String name : in.keySet()) {
            if (expr.matches(".*\\b" + name + "\\b.*")) {
                used.add(name);
            }
        }
        in.keySet().retainAll(used);
        CliRunner r = gradcheck(expr, in, String.join(",", used), "rep-" + mode + which, "--mode", mode);
        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("PASS: "), r.out);
        assertEquals(1, r.out.strip().split("\n").length, "one verdict line");
        for (String f : new String[] {"report.json", "report.md", "error-heatmap.png"}) {
            assertTrue(Files.exists(dir.resolve("rep-" + mode + which).resolve(f)), f);
        }
    }

    /** The (i, j, r, s) of the worst entry of the first input, read back from report.json with Jackson. */
    static long[] worstIndex(Path reportJson) throws IOException {
        com.fasterxml.jackson.databind.JsonNode w = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(reportJson.toFile())
                .path("inputs")
                .path(0)
                .path("worst")
                .path(0);
        assertTrue(w.isObject(), Files.readString(reportJson));
        return new long[] {
            w.get("i").longValue(),
            w.get("j").longValue(),
            w.get("r").longValue(),
            w.get("s").longValue()
        };
    }

    @ParameterizedTest
    @CsvSource({"full", "probe"})
    void aWrongEntryIsCaughtAndLocated(String mode) throws IOException {
        // wrong_entry(X) is sin(X) with ∂out[1,1]/∂X[1,1] off by one (flattened entry 5 of a 4×4 X)
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(7, "X:4x4");
        CliRunner r = gradcheck("wrong_entry(X)", in, "X", "rep", "--mode", mode);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("FAIL: 1 of "), r.out);
        assertTrue(r.out.contains("worst ∂out[1,1]/∂X[1,1]"), r.out);
        assertEquals(List.of(1L, 1L, 1L, 1L), List.of(box(worstIndex(dir.resolve("rep/report.json")))));
        assertTrue(ImageIO.read(dir.resolve("rep/error-heatmap.png").toFile()).getWidth() > 100);
    }

    static Long[] box(long[] a) {
        Long[] b = new Long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({
        "wrong_transpose(X) @ W, full",
        "wrong_transpose(X) @ W, probe",
        "wrong_scale(X) @ W, full",
        "wrong_scale(X) @ W, probe"
    })
    void systematicErrorsAreCaught(String expr, String mode) throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(9, "X:5x5", "W:5x3");
        CliRunner r = gradcheck(expr, in, "X,W", "rep", "--mode", mode);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("FAIL"), r.out);
        String json = Files.readString(dir.resolve("rep/report.json"));
        assertTrue(json.contains("\"input\": \"X\"") && json.contains("\"verdict\": \"FAIL\""), json);
        // W's derivative does not go through the broken op: it passes
        assertTrue(json.matches("(?s).*\"input\": \"W\".*?\"verdict\": \"PASS\".*"), json);
    }

    @ParameterizedTest
    @CsvSource({"full", "probe"})
    void aStoredJacobianWithOneCorruptedEntryFailsAndNamesIt(String mode) throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(11, "X:6x5", "W:3x6");
        List<String> args = new ArrayList<>(List.of(
                "jacobian",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                "tanh(W @ X)",
                "--wrt",
                "X",
                "--out",
                dir.resolve("jac").toString()));
        args.addAll(inputs(in));
        assertEquals(0, CliRunner.run(args.toArray(new String[0])).code);
        Path j = dir.resolve("jac/X.npy");
        DMatrixRMaj m;
        long[] shape;
        try (FileByteSource src = new FileByteSource(j)) {
            NpyHeader h = NpyHeader.read(src);
            shape = h.shape();
            m = NpyReader.readAll(src, h, 2);
        }
        // corrupt ∂out[2,3]/∂X[4,1]: row 2·5 + 3 = 13, column 4·5 + 1 = 21
        m.set(13, 21, m.get(13, 21) + 0.5);
        Path bad = dir.resolve("bad.npy");
        NpyWriter.write(bad, shape, m.data);
        CliRunner r = gradcheck("tanh(W @ X)", in, "X", "rep", "--mode", mode, "--jacobian", "X=" + bad);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.startsWith("FAIL: 1 of "), r.out);
        assertTrue(r.out.contains("worst ∂out[2,3]/∂X[4,1]"), r.out);
        // the untouched file passes
        CliRunner ok = gradcheck("tanh(W @ X)", in, "X", "rep2", "--mode", mode, "--jacobian", "X=" + j);
        assertEquals(0, ok.code, ok.out + ok.err);
    }

    /**
     * Full mode with Curtis–Powell–Reid (the default) against one perturbation per entry ({@code --seeding dense}):
     * the same verdict on every expression, the same entries compared, errors of the same size.
     */
    @ParameterizedTest
    @CsvSource({"0", "1", "2", "3", "4"})
    void compressedFullModeAgreesWithOneEntryAtATime(int which) throws IOException {
        String[] exprs = {
            ALL_OPS[0], ALL_OPS[1], ALL_OPS[2], "tanh(W2 @ tanh(W @ X + b) + c)", "softmax(W @ X, 0) * X.T @ X"
        };
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(20 + which, "X:4x4", "W:4x4", "N:4x4", "S:4x4", "b:4x1", "W2:3x4", "c:3x1");
        String expr = exprs[which];
        List<String> used = new ArrayList<>();
        for (String k : in.keySet()) {
            if (expr.matches(".*\\b" + k + "\\b.*")) {
                used.add(k);
            }
        }
        Map<String, DMatrixRMaj> sub = new java.util.LinkedHashMap<>();
        used.forEach(k -> sub.put(k, in.get(k)));
        String wrt = String.join(",", used);
        CliRunner cpr = gradcheck(expr, sub, wrt, "cpr", "--mode", "full");
        CliRunner dense = gradcheck(expr, sub, wrt, "dense", "--mode", "full", "--seeding", "dense");
        assertEquals(0, cpr.code, cpr.out + cpr.err);
        assertEquals(0, dense.code, dense.out + dense.err);
        String compared = "^PASS: (\\d+) entries compared.*";
        assertEquals(dense.out.replaceAll(compared, "$1"), cpr.out.replaceAll(compared, "$1"), cpr.out);
        String md = Files.readString(dir.resolve("cpr/report.md"));
        if (expr.contains("tanh(W2")) {
            assertTrue(md.contains("Curtis–Powell–Reid"), "the MLP d/dX is compressed: " + md);
        }
        assertTrue(!Files.readString(dir.resolve("dense/report.md")).contains("Curtis–Powell–Reid"));
    }

    /**
     * An op whose VJP leaks outside its declared (elementwise) structure: structured full mode (both sides
     * compressed) fails as the entry-by-entry check does.
     */
    @Test
    void aDerivativeOutsideTheDeclaredStructureFailsInStructuredFullMode() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(13, "X:4x4", "W:4x3");
        for (String seeding : new String[] {"auto", "dense"}) {
            CliRunner r =
                    gradcheck("tanh(leaky(X) @ W)", in, "X", "rep-" + seeding, "--mode", "full", "--seeding", seeding);
            assertEquals(1, r.code, seeding + ": " + r.out + r.err);
            assertTrue(r.out.startsWith("FAIL: "), r.out);
        }
    }

    /** A value far below the tolerance, but where the output cannot depend on the input, fails and is named. */
    @Test
    void aNonZeroAtAStructuralZeroFailsNamingIt() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(11, "X:6x5", "W:3x6");
        List<String> args = new ArrayList<>(List.of(
                "jacobian",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                "tanh(W @ X)",
                "--wrt",
                "X",
                "--out",
                dir.resolve("jac").toString()));
        args.addAll(inputs(in));
        assertEquals(0, CliRunner.run(args.toArray(new String[0])).code);
        DMatrixRMaj m;
        long[] shape;
        try (FileByteSource src = new FileByteSource(dir.resolve("jac/X.npy"))) {
            NpyHeader h = NpyHeader.read(src);
            shape = h.shape();
            m = NpyReader.readAll(src, h, 2);
        }
        // ∂out[2,3]/∂X[4,1] is a structural zero: column 3 of tanh(W @ X) reads column 3 of X only
        assertEquals(0.0, m.get(13, 21));
        m.set(13, 21, 1e-12);
        Path bad = dir.resolve("planted.npy");
        NpyWriter.write(bad, shape, m.data);
        CliRunner r = gradcheck("tanh(W @ X)", in, "X", "rep", "--mode", "full", "--jacobian", "X=" + bad);
        assertEquals(1, r.code, r.out + r.err);
        assertTrue(
                r.out.contains("1 analytic non-zero where the structural pattern has none, first ∂out[2,3]/∂X[4,1]"
                        + " = 1.000e-12 (out[2,3] does not depend on X[4,1])"),
                r.out);
    }

    @Test
    void distributedEqualsSingleJvm() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(12, "X:4x6", "W:5x4");
        String[] reports = new String[2];
        String[] masters = {"local[1]", "local[2]"};
        for (int i = 0; i < 2; i++) {
            List<String> args = new ArrayList<>(List.of(
                    "gradcheck",
                    "--master",
                    masters[i],
                    "--quiet",
                    "--expr",
                    "sigmoid(W @ X)",
                    "--wrt",
                    "X,W",
                    "--report",
                    dir.resolve("r" + i).toString(),
                    "--mode",
                    "full"));
            args.addAll(inputs(in));
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, r.code, r.err);
            reports[i] = r.out;
        }
        assertEquals(reports[0], reports[1], "same verdict line, same errors, bit for bit");
    }

    @Test
    void badInputExitsTwoWithNothingInDir() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(13, "X:3x3");
        for (String[] extra : new String[][] {
            {"--mode", "sometimes"},
            {"--jacobian", "Y=nope.npy"},
            {"--jacobian", "X=" + dir.resolve("missing.npy")},
            {"--eps", "0"},
            {"--probes", "0"}
        }) {
            CliRunner r = gradcheck("tanh(X)", in, "X", "rep", extra);
            assertEquals(2, r.code, String.join(" ", extra) + ": " + r.err);
            assertEquals(1, r.err.strip().split("\n").length, r.err);
            assertFalse(Files.exists(dir.resolve("rep")), "report folder not created");
        }
        Path wrongShape = dir.resolve("wrong.npy");
        NpyWriter.write(wrongShape, new long[] {3, 3, 3, 2}, new double[54]);
        CliRunner r = gradcheck("tanh(X)", in, "X", "rep", "--jacobian", "X=" + wrongShape);
        assertEquals(2, r.code);
        assertTrue(r.err.contains("shape (3, 3, 3, 2), but ∂out/∂X has shape (3, 3, 3, 3)"), r.err);
        r = gradcheck("tanh(X", in, "X", "rep");
        assertEquals(2, r.code);
        assertFalse(Files.exists(dir.resolve("rep")));
    }

    /** --probes is bounded, and one projection's verdict says why it states no power (issue 23, item 10). */
    @org.junit.jupiter.api.Test
    void probesAreBoundedAndTooFewSaySo() throws IOException {
        Map<String, DMatrixRMaj> in = io.adjoint.core.testing.GraphTesting.inputs(3, "W:3x4", "X:4x5");
        CliRunner many = gradcheck("W @ X", in, "X", "r1", "--mode", "probe", "--probes", "100000");
        assertEquals(2, many.code, many.err);
        assertTrue(many.err.contains("--probes 100000: at most 4096"), many.err);
        CliRunner one = gradcheck("W @ X", in, "X", "r2", "--mode", "probe", "--probes", "1");
        assertEquals(0, one.code, one.err);
        assertTrue(one.out.contains("1 projection(s) are too few to detect any single wrong entry"), one.out);
        assertFalse(one.out.contains("no projection was finite"), one.out);
    }

    /**
     * inv of the 7×7 Hilbert matrix (condition ≈ 4.8e8): our Jacobian is right (PyTorch agrees to 1e-9), but central
     * differences cannot resolve it. The verdict stays FAIL and says the differences disagree with themselves.
     */
    @org.junit.jupiter.api.Test
    void differencesThatCannotResolveAFunctionSaySo() throws IOException {
        DMatrixRMaj h = new DMatrixRMaj(7, 7);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                h.set(i, j, 1.0 / (i + j + 1));
            }
        }
        CliRunner r = gradcheck("inv(H)", Map.of("H", h), "H", "rh", "--mode", "full");
        assertEquals(1, r.code, r.err);
        assertTrue(r.out.contains("d/dH: central differences at steps h and 2h differ by"), r.out);
        assertTrue(r.out.contains("the failure may be theirs"), r.out);
        // a wrong Jacobian of a well-conditioned function gets no such excuse
        Map<String, DMatrixRMaj> in = io.adjoint.core.testing.GraphTesting.inputs(5, "W:3x4", "X:4x2");
        CliRunner wrong = gradcheck("W @ wrong_entry(X)", in, "X", "rw", "--mode", "full");
        assertEquals(1, wrong.code, wrong.err);
        assertFalse(wrong.out.contains("may be theirs"), wrong.out);
    }
}
