package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * bin/adjoint's class-data archive (after {@code package}, so the launcher finds its jar): made once, on stderr,
 * by the first run; used silently by the next; an archive the JVM cannot use is ignored without a word on stdout;
 * ADJOINT_CDS=0 runs without one.
 */
class LauncherIT {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final Path ARCHIVE = ROOT.resolve("jobs/target/adjoint-cds.jsa");

    record Run(int code, String out, String err) {}

    static Run adjoint(boolean cds, String... args) throws Exception {
        return adjoint(cds ? java.util.Map.of() : java.util.Map.of("ADJOINT_CDS", "0"), args);
    }

    static Run adjoint(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd =
                new java.util.ArrayList<>(List.of(ROOT.resolve("bin/adjoint").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        File err = File.createTempFile("launcher", ".err");
        pb.redirectError(err);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "bin/adjoint did not finish");
        String e = Files.readString(err.toPath());
        Files.delete(err.toPath());
        return new Run(p.exitValue(), out, e);
    }

    /** A driver heap the JVM or Spark would refuse is a usage error in one line, before any JVM starts. */
    @Test
    void aBadDriverHeapIsOneLineAndExit2() throws Exception {
        String[][] cases = {
            {"abc", "adjoint: ADJOINT_DRIVER_MEMORY=abc: not a heap size (write it as 900m, 4g)"},
            {"16m", "adjoint: ADJOINT_DRIVER_MEMORY=16m: too small; give at least 512m"},
            {"0", "adjoint: ADJOINT_DRIVER_MEMORY=0: too small; give at least 512m"}
        };
        for (String[] c : cases) {
            Run r = adjoint(java.util.Map.of("ADJOINT_DRIVER_MEMORY", c[0]), "--version");
            assertEquals(2, r.code(), r.err());
            assertEquals(c[1], r.err().strip());
            assertEquals("", r.out());
        }
        Run ok = adjoint(java.util.Map.of("ADJOINT_DRIVER_MEMORY", "900m", "ADJOINT_CDS", "0"), "--version");
        assertEquals(0, ok.code(), ok.err());
    }

    /**
     * The BLAS bin/adjoint chooses: the OpenBLAS the build unpacks from Maven Central is native (what a machine
     * without libblas.so.3 gets, so the fast path needs no root), and computes what the system's does; Java BLAS is
     * the fallback; a bad choice is one line and exit 2.
     */
    @Test
    void theBundledOpenBlasIsNativeAndAgreesWithTheSystems() throws Exception {
        Run bundled = adjoint(java.util.Map.of("ADJOINT_BLAS", "bundled", "ADJOINT_CDS", "0"), "--version");
        assertEquals(0, bundled.code(), bundled.err());
        assertTrue(
                bundled.out().contains("BLAS: JNIBLAS, native: " + ROOT.resolve("jobs/target/native")), bundled.out());
        // LU (solve, inv, logdet) on the same library's LAPACK
        assertTrue(
                bundled.out().contains("LU: LAPACK (JNILAPACK), native: " + ROOT.resolve("jobs/target/native")),
                bundled.out());
        assertEquals("", bundled.err());
        Run javaBlas = adjoint(java.util.Map.of("ADJOINT_BLAS", "java", "ADJOINT_CDS", "0"), "--version");
        assertTrue(javaBlas.out().contains("netlib's Java BLAS"), javaBlas.out());
        assertTrue(javaBlas.out().contains("LU: EJML (no native LAPACK"), javaBlas.out());
        Run bad = adjoint(java.util.Map.of("ADJOINT_BLAS", "fast"), "--version");
        assertEquals(2, bad.code());
        assertEquals(
                "adjoint: ADJOINT_BLAS=fast: not a choice (auto, system, bundled, java)",
                bad.err().strip());

        // the same contraction through each: a GEMM of (64 × 48)(48 × 40), as products of the bundled library
        Path dir = Files.createTempDirectory("blas");
        java.util.Random rng = new java.util.Random(4);
        double[] a = io.adjoint.core.testing.TestArrays.writeRandom(dir.resolve("A.npy"), rng, 8, 8, 6, 8);
        double[] j = io.adjoint.core.testing.TestArrays.writeRandom(dir.resolve("J.npy"), rng, 6, 8, 5, 8);
        double[] want = io.adjoint.core.testing.TestArrays.naiveContract(
                a, new long[] {8, 8, 6, 8}, j, new long[] {6, 8, 5, 8});
        for (String blas : List.of("bundled", "java")) {
            Path g = dir.resolve("G-" + blas + ".npy");
            Run r = adjoint(
                    java.util.Map.of("ADJOINT_BLAS", blas, "ADJOINT_CDS", "0"),
                    "contract",
                    "--adjoint",
                    dir.resolve("A.npy").toString(),
                    "--jacobian",
                    dir.resolve("J.npy").toString(),
                    "--out",
                    g.toString());
            assertEquals(0, r.code(), r.err());
            double[] got = io.adjoint.core.testing.TestArrays.readAll(g);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-12 * (1 + Math.abs(want[i])), blas + " @" + i);
            }
        }
    }

    @AfterAll
    static void leaveNoBadArchive() throws Exception {
        Files.deleteIfExists(ARCHIVE); // the next run makes a good one
    }

    @Test
    void theArchiveIsMadeOnceUsedSilentlyAndABadOneIsIgnored() throws Exception {
        String version = adjoint(false, "--version").out;
        assertTrue(version.startsWith("adjoint "), version);

        Files.deleteIfExists(ARCHIVE);
        Files.deleteIfExists(Path.of(ARCHIVE + ".none"));
        Run first = adjoint(true, "--version");
        assertEquals(0, first.code(), first.err());
        assertEquals(version, first.out(), "stdout is the command's alone");
        assertTrue(first.err().contains("preparing a class-data archive"), first.err());
        assertTrue(Files.size(ARCHIVE) > 1 << 20, "an archive was made");

        Run second = adjoint(true, "--version");
        assertEquals(0, second.code());
        assertEquals(version, second.out());
        assertEquals("", second.err(), "made once per build");

        Files.write(ARCHIVE, "not an archive".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(ARCHIVE, FileTime.from(Instant.now().plusSeconds(5)));
        Run bad = adjoint(true, "--version");
        assertEquals(0, bad.code(), bad.err());
        assertEquals(version, bad.out(), "an unusable archive is ignored without a word on stdout");
        assertEquals("", bad.err());
    }
}
