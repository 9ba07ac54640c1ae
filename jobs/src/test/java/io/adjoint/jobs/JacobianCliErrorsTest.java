package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input of {@code jacobian}: exit 2, one line on stderr, DIR absent (or, when it existed, still empty). */
class JacobianCliErrorsTest {
    @TempDir
    Path in;

    @TempDir
    Path parent;

    Path w;
    Path x;

    @BeforeEach
    void inputs() throws IOException {
        Random rng = new Random(8);
        w = in.resolve("W.npy");
        x = in.resolve("X.npy");
        TestArrays.writeRandom(w, rng, 3, 4);
        TestArrays.writeRandom(x, rng, 4, 2);
    }

    String refuse(String expr, String wrt, List<String> inputs, String... fragments) throws IOException {
        for (boolean dirExists : new boolean[] {false, true}) {
            Path out = parent.resolve(dirExists ? "empty" : "absent");
            if (dirExists) {
                Files.createDirectories(out);
            }
            List<String> args = new ArrayList<>(List.of("jacobian", "--master", "local[2]", "--out", out.toString()));
            if (expr != null) {
                args.addAll(List.of("--expr", expr));
            }
            if (wrt != null) {
                args.addAll(List.of("--wrt", wrt));
            }
            for (String i : inputs) {
                args.addAll(List.of("--input", i));
            }
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(2, r.code, "exit code; stderr: " + r.err);
            String[] lines = r.err.strip().split("\n");
            assertEquals(1, lines.length, "one line: " + r.err);
            for (String f : fragments) {
                assertTrue(lines[0].contains(f), "'" + f + "' in: " + lines[0]);
            }
            if (dirExists) {
                assertEquals(List.of(), CliRunner.listing(out), "DIR left empty");
            } else {
                assertFalse(Files.exists(out), "DIR not created");
            }
            if (dirExists) {
                return lines[0];
            }
        }
        return null;
    }

    List<String> wx() {
        return List.of("W=" + w, "X=" + x);
    }

    @Test
    void syntaxErrorNamesTheColumn() throws IOException {
        refuse("tanh(W @ X", "X", wx(), "syntax error at column 11", "unbalanced parenthesis");
    }

    @Test
    void unknownFunctionListsTheKnownOnes() throws IOException {
        refuse(
                "tanhh(W @ X)",
                "X",
                wx(),
                "unknown function 'tanhh'",
                "known: abs, add, atan, broadcast_like, cholesky, concat, cos",
                ", tanh, ");
    }

    @Test
    void undefinedInput() throws IOException {
        refuse("W @ Z", "X", wx(), "undefined input 'Z' at column 5");
    }

    @Test
    void wrtThatIsNotAnInput() throws IOException {
        refuse("W @ X", "V", wx(), "--wrt V: not an input (inputs: W, X)");
    }

    @Test
    void wrtMissing() throws IOException {
        refuse("W @ X", null, wx(), "Missing required option: '--wrt=NAME'");
    }

    @Test
    void shapeMismatchInMatmulAndInBroadcasting() throws IOException {
        refuse(
                "tanh(X @ W)",
                "X",
                wx(),
                "in 'X @ W' at column 6",
                "(4, 2) @ (3, 4)",
                "inner dimensions 2 and 3 differ");
        refuse("W + X", "X", wx(), "in 'W + X' at column 1", "(3, 4) + (4, 2) do not broadcast");
    }

    @Test
    void inverseOfANonSquareMatrixAndABadAxis() throws IOException {
        refuse("inv(W)", "W", wx(), "inv needs a square matrix, got (3, 4)");
        refuse("sum(X, 2)", "X", wx(), "in 'sum(X, 2)'", "axis must be 0 or 1");
    }

    @Test
    void threeDimensionalInputSuggestsReshape() throws IOException {
        Path t = in.resolve("T.npy");
        TestArrays.writeRandom(t, new Random(1), 2, 3, 4);
        refuse("sum(T)", "T", List.of("T=" + t), "--input T=", "2-D matrices, got 3-D shape (2, 3, 4)", "reshape");
    }

    @Test
    void everyBadNpyCase() throws IOException {
        Path obj = in.resolve("obj.npy");
        try (java.io.InputStream s = getClass().getResourceAsStream("/npy/object.npy")) {
            Files.copy(s, obj);
        }
        refuse("tanh(O)", "O", List.of("O=" + obj), "--input O=", "object dtype refused");
        byte[] b = Files.readAllBytes(w);
        Path trunc = in.resolve("trunc.npy");
        Files.write(trunc, Arrays.copyOf(b, b.length - 8));
        refuse("tanh(W)", "W", List.of("W=" + trunc), "trunc.npy", "truncated");
        refuse("tanh(W)", "W", List.of("W=" + in.resolve("missing.npy")), "--input W=", "no such file");
        Path text = in.resolve("text.npy");
        Files.writeString(text, "1 2 3\n");
        refuse("tanh(W)", "W", List.of("W=" + text), "not a .npy file");
    }

    @Test
    void malformedInputsAndANonEmptyFolder() throws IOException {
        refuse("tanh(W)", "W", List.of("W"), "--input W: expected NAME=PATH.npy");
        refuse("tanh(W)", "W", List.of("W=" + w, "W=" + x), "--input W: given twice");
        refuse("tanh(W)", "W", List.of("1W=" + w), "'1W' is not a valid name");
        Path full = Files.createDirectories(parent.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        CliRunner r = CliRunner.run(
                "jacobian", "--expr", "tanh(W)", "--input", "W=" + w, "--wrt", "W", "--out", full.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("folder is not empty (pass --overwrite"), r.err);
        assertEquals(List.of("keep.txt"), CliRunner.listing(full));
    }

    @Test
    void badFormatAndSeedingValuesAreOneLineUsageErrors() throws IOException {
        for (String[] bad : new String[][] {
            {"--format", "coo", "--format coo: 'coo' is not a format (npy, csr, auto; per input NAME=FORMAT)"},
            {"--seeding", "sparse", "'sparse' is not a seeding mode (auto, dense, compressed)"}
        }) {
            Path out = parent.resolve("bad-" + bad[0].substring(2));
            CliRunner r = CliRunner.run(
                    "jacobian",
                    "--expr",
                    "tanh(W)",
                    "--input",
                    "W=" + w,
                    "--wrt",
                    "W",
                    "--out",
                    out.toString(),
                    bad[0],
                    bad[1]);
            assertEquals(2, r.code, r.err);
            assertTrue(r.err.contains(bad[2]), r.err);
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}
