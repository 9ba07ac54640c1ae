package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zero-size dimensions are valid NumPy arrays: every job handles them and writes correctly shaped results. */
class EmptyArraysTest {
    @TempDir
    Path dir;

    static long[] shape(Path p) throws IOException {
        try (FileByteSource s = new FileByteSource(p)) {
            return NpyHeader.read(s).shape();
        }
    }

    @Test
    void emptyOperandsGiveEmptyResults() throws IOException {
        NpyWriter.write(dir.resolve("A.npy"), new long[] {0, 3, 2, 2}, new double[0]);
        NpyWriter.write(dir.resolve("J.npy"), new long[] {2, 2, 4, 1}, new double[16]);
        NpyWriter.write(dir.resolve("X.npy"), new long[] {0, 3}, new double[0]);
        CliRunner c = CliRunner.run(
                "contract",
                "--master",
                "local[2]",
                "--quiet",
                "--adjoint",
                dir.resolve("A.npy").toString(),
                "--jacobian",
                dir.resolve("J.npy").toString(),
                "--out",
                dir.resolve("G.npy").toString());
        assertEquals(0, c.code, c.err);
        assertArrayEquals(new long[] {0, 3, 4, 1}, shape(dir.resolve("G.npy")));
        CliRunner j = CliRunner.run(
                "jacobian",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                "tanh(X)",
                "--input",
                "X=" + dir.resolve("X.npy"),
                "--wrt",
                "X",
                "--out",
                dir.resolve("jac").toString());
        assertEquals(0, j.code, j.err);
        assertArrayEquals(new long[] {0, 3, 0, 3}, shape(dir.resolve("jac/X.npy")));
        CliRunner g = CliRunner.run(
                "gradcheck",
                "--master",
                "local[2]",
                "--quiet",
                "--expr",
                "sum(X)",
                "--input",
                "X=" + dir.resolve("X.npy"),
                "--wrt",
                "X",
                "--report",
                dir.resolve("rep").toString());
        assertEquals(0, g.code, g.err);
        assertTrue(g.out.startsWith("PASS: 0 entries compared"), g.out);
    }

    /** An empty batch of products (N = 0) is a batch of none: empty results, as NumPy and a vmapped JAX give. */
    @Test
    void anEmptyBatchOfProductsGivesEmptyResults() throws IOException {
        NpyWriter.write(dir.resolve("W.npy"), new long[] {3, 4}, new double[12]);
        NpyWriter.write(dir.resolve("X.npy"), new long[] {4, 5}, new double[20]);
        NpyWriter.write(dir.resolve("G0.npy"), new long[] {0, 3, 5}, new double[0]);
        NpyWriter.write(dir.resolve("T0.npy"), new long[] {0, 4, 5}, new double[0]);
        String in = " --master local[2] --quiet --expr tanh(W@X) --input W=" + dir.resolve("W.npy") + " --input X="
                + dir.resolve("X.npy");
        CliRunner v = CliRunner.run(
                ("vjp" + in + " --wrt X,W --cotangent " + dir.resolve("G0.npy") + " --out " + dir.resolve("v"))
                        .split(" "));
        assertEquals(0, v.code, v.err);
        assertArrayEquals(new long[] {0, 4, 5}, shape(dir.resolve("v/X.npy")));
        assertArrayEquals(new long[] {0, 3, 4}, shape(dir.resolve("v/W.npy")));
        CliRunner j = CliRunner.run(
                ("jvp" + in + " --tangent X=" + dir.resolve("T0.npy") + " --out " + dir.resolve("j")).split(" "));
        assertEquals(0, j.code, j.err);
        assertArrayEquals(new long[] {0, 3, 5}, shape(dir.resolve("j/out.npy")));
    }
}
