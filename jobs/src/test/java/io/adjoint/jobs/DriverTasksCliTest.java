package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small jobs run their tasks on driver threads by default on a local master; with
 * {@code --conf spark.adjoint.driverTasks=never} the same jobs run Spark tasks. contract, vjp, jvp and gradcheck
 * give the same bytes and the same verdict line both ways, and the plan says where the tasks ran.
 */
class DriverTasksCliTest {
    static final String MLP = "tanh(W2 @ tanh(W1 @ X + b1) + b2)";
    static final String NEVER = "spark.adjoint.driverTasks=never";

    @TempDir
    Path dir;

    List<String> inputs() throws IOException {
        return CliRunner.inputs(dir, GraphTesting.inputs(31, "W1:6x5", "W2:4x6", "X:5x7", "b1:6x1", "b2:4x1"));
    }

    static void gaussian(Path p, long... shape) throws IOException {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] d = new double[(int) n];
        Random rng = new Random(p.getFileName().toString().hashCode());
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        NpyWriter.write(p, shape, d);
    }

    /** Runs {@code args} with the default placement and with Spark tasks; returns both runs. */
    CliRunner[] bothWays(List<String> args, String out, String tag) {
        CliRunner[] r = new CliRunner[2];
        for (int i = 0; i < 2; i++) {
            List<String> a = new ArrayList<>(args);
            a.addAll(List.of(
                    out, dir.resolve(tag + (i == 0 ? "-driver" : "-spark")).toString(), "--verbose"));
            if (i == 1) {
                a.addAll(List.of("--conf", NEVER));
            }
            r[i] = CliRunner.run(a.toArray(new String[0]));
            assertEquals(0, r[i].code, r[i].err);
        }
        assertTrue(r[0].err.contains("driver threads, not Spark tasks"), r[0].err);
        assertFalse(r[1].err.contains("driver threads"), r[1].err);
        return r;
    }

    void sameFiles(String tag, String... names) throws IOException {
        for (String n : names) {
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve(tag + "-spark").resolve(n)),
                    Files.readAllBytes(dir.resolve(tag + "-driver").resolve(n)),
                    n + ": driver threads and Spark tasks wrote different bytes");
        }
        assertEquals(List.of(names), CliRunner.listing(dir.resolve(tag + "-driver")), "nothing else left");
    }

    @Test
    void contractOnDriverThreadsEqualsSparkTasks() throws IOException {
        gaussian(dir.resolve("A.npy"), 6, 4, 3, 5);
        gaussian(dir.resolve("J.npy"), 3, 5, 4, 2);
        byte[][] g = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("G" + i + ".npy");
            // no spaces in the temporary folder's paths: the arguments split on them
            List<String> a = new ArrayList<>(List.of(("contract --master local[2] --adjoint " + dir.resolve("A.npy")
                            + " --jacobian " + dir.resolve("J.npy") + " --out " + out + " --verbose")
                    .split(" ")));
            if (i == 1) {
                a.addAll(List.of("--conf", NEVER));
            }
            CliRunner r = CliRunner.run(a.toArray(new String[0]));
            assertEquals(0, r.code, r.err);
            assertEquals(i == 0, r.err.contains("driver threads, not Spark tasks"), r.err);
            g[i] = Files.readAllBytes(out);
        }
        assertArrayEquals(g[1], g[0], "driver threads and Spark tasks contracted to different bytes");
        assertEquals(List.of("A.npy", "G0.npy", "G1.npy", "J.npy"), CliRunner.listing(dir), "nothing else left");
    }

    @Test
    void productsOnDriverThreadsEqualSparkTasks() throws IOException {
        List<String> in = inputs();
        gaussian(dir.resolve("G.npy"), 5, 4, 7);
        List<String> vjp = new ArrayList<>(List.of("vjp", "--master", "local[2]", "--expr", MLP, "--wrt", "X,W1"));
        vjp.addAll(in);
        vjp.addAll(List.of("--cotangent", dir.resolve("G.npy").toString(), "--rows-per-task", "2"));
        bothWays(vjp, "--out", "v");
        sameFiles("v", "W1.npy", "X.npy");

        gaussian(dir.resolve("T.npy"), 5, 5, 7);
        gaussian(dir.resolve("U.npy"), 5, 4, 6);
        List<String> jvp = new ArrayList<>(List.of("jvp", "--master", "local[2]", "--expr", MLP));
        jvp.addAll(in);
        // the planner's single block of 5 is split in two, one per driver thread
        jvp.addAll(List.of("--tangent", "X=" + dir.resolve("T.npy"), "--tangent", "W2=" + dir.resolve("U.npy")));
        CliRunner[] j = bothWays(jvp, "--out", "j");
        assertTrue(j[0].err.contains("to give each driver thread a block; 2 tasks"), j[0].err);
        assertTrue(j[1].err.contains("; 1 tasks"), j[1].err);
        sameFiles("j", "out.npy");
    }

    @Test
    void fullGradcheckOnDriverThreadsGivesSparksVerdict() throws IOException {
        List<String> args = new ArrayList<>(
                List.of("gradcheck", "--master", "local[2]", "--expr", MLP, "--wrt", "X,W1", "--mode", "full"));
        args.addAll(inputs());
        CliRunner[] r = bothWays(args, "--report", "r");
        assertEquals(r[1].out, r[0].out, "same verdict line, same errors, bit for bit");
        assertTrue(r[0].out.contains("PASS"), r[0].out);
    }

    /**
     * Probe mode: projections on driver threads, Spark never started, the same projections (their seeds do not
     * depend on where they run), so the same verdict line and report numbers as with Spark tasks.
     */
    @Test
    void probeGradcheckOnDriverThreadsGivesSparksVerdict() throws IOException {
        List<String> args = new ArrayList<>(
                List.of("gradcheck", "--master", "local[2]", "--expr", MLP, "--wrt", "X,W1", "--mode", "probe"));
        args.addAll(inputs());
        CliRunner[] r = bothWays(args, "--report", "p");
        assertTrue(r[0].err.contains("projections: tasks on up to 2 driver threads"), r[0].err);
        assertEquals(r[1].out, r[0].out, "same verdict line, same numbers, bit for bit");
        assertTrue(r[0].out.startsWith("PASS"), r[0].out);
    }
}
