package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.TestArrays;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result larger than the driver heap: a separate JVM with -Xmx512m writes G of 17000 × 8192 doubles
 * (1.11 GB, more than 1 GiB), which it could not hold. Spot-checked rows are compared with the naive product.
 */
class LargeResultTest {
    @TempDir
    Path dir;

    /** Starts the CLI in a new JVM with this heap, the test class path and the JVM module flags; stderr merged. */
    static Process forkCli(String heap, String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xmx" + heap);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-")
                    || arg.startsWith("-XX:+IgnoreUnrecognized")
                    || arg.startsWith("-Dio.netty")
                    || arg.startsWith("--sun-misc")
                    || arg.startsWith("--enable-native")) {
                cmd.add(arg);
            }
        }
        // Spark's log as bin/adjoint sets it (off unless ADJOINT_SPARK_LOG), not the tests' own
        Path log4j = Path.of(System.getProperty("user.dir")).resolveSibling("conf/log4j2.properties");
        cmd.add("-Dlog4j2.configurationFile=" + log4j);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void aResultLargerThanTheDriverHeap() throws Exception {
        long p = 136, q = 125, n = 1, m = 4, k = 64, l = 128; // p·q = 17000 rows of k·l = 8192
        Random rng = new Random(99);
        double[] a = TestArrays.writeRandom(dir.resolve("A.npy"), rng, p, q, n, m);
        double[] j = TestArrays.writeRandom(dir.resolve("J.npy"), rng, n, m, k, l);
        Path g = dir.resolve("G.npy");

        Process proc = forkCli(
                "512m",
                "contract",
                "--master",
                "local[2]",
                "--adjoint",
                dir.resolve("A.npy").toString(),
                "--jacobian",
                dir.resolve("J.npy").toString(),
                "--out",
                g.toString());
        String log = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS), "finished");
        assertEquals(0, proc.exitValue(), log);

        long rows = p * q;
        long cols = k * l;
        assertTrue(Files.size(g) > (1L << 30), "result larger than 1 GiB: " + Files.size(g));
        assertEquals(NpyWriter.fileSize(new long[] {p, q, k, l}), Files.size(g));
        try (FileByteSource src = new FileByteSource(g)) {
            NpyHeader h = NpyHeader.read(src);
            assertArrayEquals(new long[] {p, q, k, l}, h.shape());
            for (long r0 : new long[] {0, 511, 8191, rows - 3}) {
                double[] got = NpyReader.readRows(src, h, 2, r0, r0 + 3, null).data;
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < cols; c++) {
                        double want = 0;
                        for (int x = 0; x < n * m; x++) {
                            want += a[(int) ((r0 + r) * n * m + x)] * j[(int) (x * cols + c)];
                        }
                        assertEquals(want, got[(int) (r * cols + c)], 1e-12 * (1 + Math.abs(want)), "row " + (r0 + r));
                    }
                }
            }
        }
    }

    /**
     * gradcheck --mode full of a 1 GiB Jacobian (∂(W @ X)/∂X, W 32×64, X 64×256: 8192 × 16384 entries) in a
     * JVM with a 512 MiB heap: it completes only because neither the analytic nor the numeric Jacobian is
     * ever held whole — the analytic one goes to a temporary file, the numeric one is made column tile by
     * column tile and compared in place.
     */
    @Test
    void aFullGradcheckOfAJacobianLargerThanTheDriverHeap() throws Exception {
        Random rng = new Random(5);
        TestArrays.writeRandom(dir.resolve("W.npy"), rng, 32, 64);
        TestArrays.writeRandom(dir.resolve("X.npy"), rng, 64, 256);
        Path report = dir.resolve("report");
        Process proc = forkCli(
                "512m",
                "gradcheck",
                "--master",
                "local[2]",
                "--quiet",
                "--mode",
                "full",
                "--expr",
                "W @ X",
                "--input",
                "W=" + dir.resolve("W.npy"),
                "--input",
                "X=" + dir.resolve("X.npy"),
                "--wrt",
                "X",
                "--report",
                report.toString());
        String log = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(600, TimeUnit.SECONDS), "finished");
        assertEquals(0, proc.exitValue(), log);
        assertTrue(log.contains("PASS: 134217728 entries compared"), log);
        String json = Files.readString(report.resolve("report.json"));
        assertTrue(json.contains("\"jacobian_shape\": [32, 256, 64, 256]"), json);
        assertEquals(
                List.of("error-heatmap.png", "report.json", "report.md"),
                CliRunner.listing(report),
                "no temporary Jacobian left behind");
    }
}
