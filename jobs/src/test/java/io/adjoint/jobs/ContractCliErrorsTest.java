package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input: exit code 2, exactly one line on stderr naming the argument or file and what is
 * wrong (no stack trace), and nothing at --out (the output folder is left as it was).
 */
class ContractCliErrorsTest {
    @TempDir
    Path in;

    @TempDir
    Path outDir;

    Path a;
    Path j;

    @BeforeEach
    void inputs() throws IOException {
        Random rng = new Random(3);
        a = in.resolve("A.npy");
        j = in.resolve("J.npy");
        TestArrays.writeRandom(a, rng, 2, 3, 4, 5);
        TestArrays.writeRandom(j, rng, 4, 5, 3, 2);
    }

    String out() {
        return outDir.resolve("G.npy").toString();
    }

    /** Runs the CLI expecting exit 2 and one stderr line containing every fragment; checks --out is clean. */
    String refuse(List<String> args, String... fragments) throws IOException {
        List<String> before = CliRunner.listing(outDir);
        CliRunner r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(2, r.code, "exit code; stderr: " + r.err);
        String[] lines = r.err.strip().split("\n");
        assertEquals(1, lines.length, "exactly one line on stderr: " + r.err);
        for (String f : fragments) {
            assertTrue(lines[0].contains(f), "'" + f + "' in: " + lines[0]);
        }
        assertEquals(before, CliRunner.listing(outDir), "nothing left in the output folder");
        assertEquals("", r.out);
        return lines[0];
    }

    List<String> args(String... extra) {
        List<String> l = new ArrayList<>(List.of("contract", "--master", "local[2]"));
        l.addAll(Arrays.asList(extra));
        return l;
    }

    @Test
    void innerDimensionsThatDiffer() throws IOException {
        Path j2 = in.resolve("Jbad.npy");
        TestArrays.writeRandom(j2, new Random(1), 4, 6, 3, 2);
        refuse(
                args("--adjoint", a.toString(), "--jacobian", j2.toString(), "--out", out()),
                "A.npy is (2, 3, 4, 5)",
                "Jbad.npy is (4, 6, 3, 2)",
                "contracted axes differ");
    }

    @Test
    void aSecondPairThatDiffers() throws IOException {
        Path a2 = in.resolve("A2.npy");
        Path j2 = in.resolve("J2.npy");
        TestArrays.writeRandom(a2, new Random(1), 2, 3, 1, 1);
        TestArrays.writeRandom(j2, new Random(2), 1, 1, 3, 3);
        refuse(
                args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        j.toString(),
                        "--adjoint",
                        a2.toString(),
                        "--jacobian",
                        j2.toString(),
                        "--out",
                        out()),
                "pair 2",
                "(2, 3, 3, 3)",
                "pair 1 gives (2, 3, 3, 2)");
    }

    @Test
    void aThreeDimensionalArray() throws IOException {
        Path a3 = in.resolve("A3.npy");
        TestArrays.writeRandom(a3, new Random(1), 2, 3, 20);
        refuse(
                args("--adjoint", a3.toString(), "--jacobian", j.toString(), "--out", out()),
                "A3.npy",
                "must be a 4-D array, got 3-D shape (2, 3, 20)");
    }

    @Test
    void objectDtype() throws Exception {
        Path obj = in.resolve("object.npy");
        try (java.io.InputStream s = getClass().getResourceAsStream("/npy/object.npy")) {
            Files.copy(s, obj);
        }
        refuse(
                args("--adjoint", obj.toString(), "--jacobian", j.toString(), "--out", out()),
                "object.npy",
                "object dtype refused");
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] b = Files.readAllBytes(a);
        Path t = in.resolve("trunc.npy");
        Files.write(t, Arrays.copyOf(b, b.length - 100));
        refuse(args("--adjoint", t.toString(), "--jacobian", j.toString(), "--out", out()), "trunc.npy", "truncated");
    }

    @Test
    void missingFile() throws IOException {
        refuse(
                args("--adjoint", in.resolve("nope.npy").toString(), "--jacobian", j.toString(), "--out", out()),
                "--adjoint",
                "nope.npy",
                "no such file");
    }

    @Test
    void textFileNamedNpy() throws IOException {
        Path t = in.resolve("text.npy");
        Files.write(t, "0.1 0.2 0.3\n0.4 0.5 0.6\n".getBytes(StandardCharsets.US_ASCII));
        refuse(
                args("--adjoint", a.toString(), "--jacobian", t.toString(), "--out", out()),
                "text.npy",
                "not a .npy file");
    }

    @Test
    void unequalCountsOfAdjointsAndJacobians() throws IOException {
        refuse(
                args("--adjoint", a.toString(), "--adjoint", a.toString(), "--jacobian", j.toString(), "--out", out()),
                "2 --adjoint and 1 --jacobian");
    }

    @Test
    void missingOut() throws IOException {
        refuse(args("--adjoint", a.toString(), "--jacobian", j.toString()), "--out");
    }

    @Test
    void outFolderMissing() throws IOException {
        refuse(
                args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        j.toString(),
                        "--out",
                        outDir.resolve("no/such/G.npy").toString()),
                "--out",
                "does not exist");
    }

    @Test
    void badNumbers() throws IOException {
        refuse(
                args("--adjoint", a.toString(), "--jacobian", j.toString(), "--out", out(), "--rows-per-task", "0"),
                "--rows-per-task must be at least 1");
        refuse(
                args("--adjoint", a.toString(), "--jacobian", j.toString(), "--out", out(), "--rows-per-task", "x"),
                "--rows-per-task");
        refuse(
                args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        j.toString(),
                        "--out",
                        out(),
                        "--broadcast-budget",
                        "lots"),
                "--broadcast-budget lots");
        refuse(
                args("--adjoint", a.toString(), "--jacobian", j.toString(), "--out", out(), "--bogus"),
                "Unknown option: '--bogus'");
    }

    @Test
    void jacobianOverTheBroadcastBudget() throws IOException {
        Path big = in.resolve("Jbig.npy");
        NpyWriter.write(big, new long[] {4, 5, 100, 100}, new double[4 * 5 * 100 * 100]);
        refuse(
                args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        big.toString(),
                        "--out",
                        out(),
                        "--broadcast-budget",
                        "1m",
                        "--plan",
                        "broadcast"),
                "--plan broadcast: ",
                "or use --plan streamed",
                "Jbig.npy",
                "1.5 MiB",
                "broadcast budget of 1.0 MiB",
                "--broadcast-budget",
                "spark.adjoint.broadcastBudget");
    }

    @Test
    void anUnknownPlan() throws IOException {
        refuse(
                args("--adjoint", a.toString(), "--jacobian", j.toString(), "--out", out(), "--plan", "shuffle"),
                "--plan must be auto, broadcast or streamed, got 'shuffle'");
    }

    /** Over the budget without --plan: not refused; the cost model streams J, says why, and the result is right. */
    @Test
    void overTheBudgetAutoStreams() throws IOException {
        CliRunner r = CliRunner.run(args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        j.toString(),
                        "--out",
                        out(),
                        "--broadcast-budget",
                        "100",
                        "--rows-per-task",
                        "3",
                        "--verbose")
                .toArray(new String[0]));
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("contract: plan streamed (cost model: broadcast moves"), r.err);
        assertTrue(r.err.contains("but is not possible: J 960 B over the budget of 100 B;"), r.err);
        CliRunner b = CliRunner.run(args(
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        j.toString(),
                        "--out",
                        outDir.resolve("B.npy").toString(),
                        "--rows-per-task",
                        "3",
                        "--quiet")
                .toArray(new String[0]));
        assertEquals(0, b.code, b.err);
        double[] streamed = readAll(outDir.resolve("G.npy"));
        double[] broadcast = readAll(outDir.resolve("B.npy"));
        assertTrue(TestArrays.relError(streamed, broadcast) < 1e-12);
    }

    static double[] readAll(Path p) throws IOException {
        try (io.adjoint.core.npy.FileByteSource src = new io.adjoint.core.npy.FileByteSource(p)) {
            return io.adjoint.core.npy.NpyReader.readAll(src, io.adjoint.core.npy.NpyHeader.read(src), 2).data;
        }
    }
}
