package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on embedded Spark (local[2]) against the naive contraction. */
class ContractCliTest {
    @TempDir
    Path dir;

    @Test
    void contractsTwoPairsAndReportsProgress() throws IOException {
        Random rng = new Random(17);
        long[] a1s = {7, 3, 2, 4};
        long[] j1s = {2, 4, 5, 3};
        long[] a2s = {7, 3, 3, 1};
        long[] j2s = {3, 1, 5, 3};
        double[] a1 = TestArrays.writeRandom(dir.resolve("A1.npy"), rng, a1s);
        double[] j1 = TestArrays.writeRandom(dir.resolve("J1.npy"), rng, j1s);
        double[] a2 = TestArrays.writeRandom(dir.resolve("A2.npy"), rng, a2s);
        double[] j2 = TestArrays.writeRandom(dir.resolve("J2.npy"), rng, j2s);
        double[] want = TestArrays.naiveContract(a1, a1s, j1, j1s);
        double[] w2 = TestArrays.naiveContract(a2, a2s, j2, j2s);
        for (int i = 0; i < want.length; i++) {
            want[i] += w2[i];
        }
        CliRunner r = CliRunner.run(
                "contract",
                "--master",
                "local[2]",
                "--adjoint",
                dir.resolve("A1.npy").toString(),
                "--jacobian",
                dir.resolve("J1.npy").toString(),
                "--adjoint",
                dir.resolve("A2.npy").toString(),
                "--jacobian",
                dir.resolve("J2.npy").toString(),
                "--out",
                dir.resolve("G.npy").toString(),
                "--rows-per-task",
                "2",
                "--verbose");
        assertEquals(0, r.code, r.err);
        // 21 rows in blocks of 2: 11 blocks, progress at each tenth, the last line at 100%
        assertTrue(r.err.contains("rows per task B=2"), r.err);
        // J1 (2·4 × 5·3 = 120 entries) and J2 (45) are held dense: the plan line counts entries, not "non-zeros"
        assertTrue(r.err.contains("Jacobians: dense (120 entries), dense (45 entries)"), r.err);
        assertTrue(r.err.contains("11/11 blocks (100%), 21/21 rows"), r.err);
        assertTrue(r.err.contains("ETA"), r.err);
        try (FileByteSource g = new FileByteSource(dir.resolve("G.npy"))) {
            NpyHeader h = NpyHeader.read(g);
            assertArrayEquals(new long[] {7, 3, 5, 3}, h.shape());
            assertTrue(TestArrays.relError(NpyReader.readAll(g, h, 2).data, want) < 1e-12);
        }
        assertEquals(List.of("A1.npy", "A2.npy", "G.npy", "J1.npy", "J2.npy"), CliRunner.listing(dir));

        CliRunner quiet = CliRunner.run(
                "contract",
                "--master",
                "local[2]",
                "--quiet",
                "--overwrite",
                "--adjoint",
                dir.resolve("A1.npy").toString(),
                "--jacobian",
                dir.resolve("J1.npy").toString(),
                "--out",
                dir.resolve("G.npy").toString());
        assertEquals(0, quiet.code, quiet.err);
        assertEquals("", quiet.err.replaceAll("(?m)^WARNING: .*\\n?", ""), "--quiet prints nothing");
    }
}
