package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The endings the command does not choose ({@link ProcessGuard}), each in a JVM of its own: an
 * {@link OutOfMemoryError} in a block on driver threads, in a Spark task (Spark then calls {@code System.exit(52)},
 * which used to end the process with no word), and in a thread beside the block that the block waits for (which used
 * to hang the job until killed). Every one must end within a minute with exit 3, one line naming what happened, no
 * stack trace, and the destination's claim released.
 */
class ProcessEndingTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolveSibling("conf/examples");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "outOfMemoryInBlock, always, 'internal error: java.lang.OutOfMemoryError: test hook: block 0: give the"
                + " driver more memory'",
        "outOfMemoryInBlock, never, 'called System.exit in thread ''Executor task launch worker'",
        "outOfMemoryBesideBlock, always, 'internal error: java.lang.OutOfMemoryError: test hook: beside block 0 in"
                + " thread ''adjoint-test-lost-thread'': give the driver more memory'",
        "outOfMemoryBesideBlock, never, 'internal error: java.lang.OutOfMemoryError: test hook: beside block 0 in"
                + " thread ''adjoint-test-lost-thread'''",
    })
    void endsWithOneLineAndExit3(String fault, String driverTasks, String said) throws Exception {
        Path out = dir.resolve("jac");
        List<String> args = new ArrayList<>(List.of("jacobian", "--master", "local[2]", "--expr", "tanh(W @ X + b)"));
        for (String name : List.of("W", "X", "b")) {
            args.addAll(List.of("--input", name + "=" + EXAMPLES.resolve(name + ".npy")));
        }
        args.addAll(List.of("--wrt", "X,W", "--out", out.toString(), "--quiet"));
        args.addAll(List.of("--conf", "spark.adjoint.driverTasks=" + driverTasks));
        args.addAll(List.of("--conf", "spark.adjoint.test." + fault + "=0"));

        Process p = LargeResultTest.forkCli("1g", args.toArray(new String[0]));
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "still running after 90 s: " + log);
        assertEquals(Main.INTERNAL, p.exitValue(), log);
        assertTrue(log.contains("adjoint jacobian: " + said) || log.contains(said), log);
        assertFalse(log.contains("\tat "), "a stack trace: " + log);
        assertFalse(log.contains("Exception in thread"), log);
        assertFalse(Files.exists(out.resolve(".adjoint-lock")), "the claim is released");
    }
}
