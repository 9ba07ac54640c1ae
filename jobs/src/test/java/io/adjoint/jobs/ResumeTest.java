package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.testing.TestArrays;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --resume on embedded Spark: a contract driver killed with SIGKILL mid-job leaves nothing under the final
 * name; one finished block is then damaged on disk; the resumed run reuses the intact blocks, recomputes the
 * missing and the damaged one, and writes a file identical to a clean run's.
 */
class ResumeTest {
    @TempDir
    Path dir;

    @Test
    void resumeReusesIntactBlocksAndRecomputesMissingAndDamagedOnes() throws Exception {
        Random rng = new Random(31);
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 40, 10, 6, 6);
        TestArrays.writeRandom(dir.resolve("J.npy"), rng, 6, 6, 8, 8);
        String[] args = {
            "contract",
            "--master",
            "local[2]",
            "--adjoint",
            dir.resolve("A.npy").toString(),
            "--jacobian",
            dir.resolve("J.npy").toString(),
            "--rows-per-task",
            "10",
            "--out"
        };
        assertEquals(
                0, CliRunner.run(ClusterIT.concat(args, dir.resolve("clean.npy").toString(), "--quiet")).code);

        Path out = dir.resolve("G.npy");
        Process p = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        args, out.toString(), "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=200"));
        awaitProgress(p, 30);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(out), "nothing under the final name");
        List<Path> left;
        try (var s = Files.list(dir)) {
            left = s.filter(f -> f.getFileName().toString().startsWith(".G.npy.adjoint-"))
                    .collect(Collectors.toList());
        }
        Path tmp = left.stream()
                .filter(f -> f.toString().endsWith(".tmp"))
                .findFirst()
                .orElseThrow();
        Path journal = left.stream()
                .filter(f -> f.toString().endsWith(".blocks"))
                .findFirst()
                .orElseThrow();
        List<String> done;
        try (var s = Files.list(journal)) {
            done = s.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("block-"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(done.size() >= 2 && done.size() < 40, "some blocks finished: " + done);
        // damage the first finished block in the temporary file (rows of 64 doubles, 10 rows per block)
        int damaged = Integer.parseInt(done.get(0).substring("block-".length()));
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
            f.seek(f.length() - 400L * 64 * 8 + damaged * 10L * 64 * 8 + 24);
            f.writeLong(0x7ff8dead0000beefL);
        }
        CliRunner resumed = CliRunner.run(ClusterIT.concat(args, out.toString(), "--resume"));
        assertEquals(0, resumed.code, resumed.err);
        Matcher m =
                Pattern.compile("reused (\\d+) of 40 blocks, recomputed (\\d+)").matcher(resumed.err);
        assertTrue(m.find(), resumed.err);
        assertEquals(
                done.size() - 1,
                Integer.parseInt(m.group(1)),
                "every intact finished block reused, the damaged one not");
        assertArrayEquals(Files.readAllBytes(dir.resolve("clean.npy")), Files.readAllBytes(out));
        try (var s = Files.list(dir)) {
            assertEquals(
                    List.of("A.npy", "G.npy", "J.npy", "clean.npy"),
                    s.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList()),
                    "no temporaries left");
        }
    }

    /**
     * SIGTERM (what Ctrl-C and a scheduler send) mid-job: exit 143, one line saying the finished blocks are kept, the
     * temporary and its journal are there (as after kill -9), and --resume finishes the same bytes as a clean run.
     */
    @Test
    void sigtermKeepsFinishedBlocksAndSaysHowToResume() throws Exception {
        Random rng = new Random(32);
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 40, 10, 6, 6);
        TestArrays.writeRandom(dir.resolve("J.npy"), rng, 6, 6, 8, 8);
        String[] args = {
            "contract",
            "--master",
            "local[2]",
            "--adjoint",
            dir.resolve("A.npy").toString(),
            "--jacobian",
            dir.resolve("J.npy").toString(),
            "--rows-per-task",
            "10",
            "--out"
        };
        assertEquals(
                0, CliRunner.run(ClusterIT.concat(args, dir.resolve("clean.npy").toString(), "--quiet")).code);
        Path out = dir.resolve("G.npy");
        Process p = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        args, out.toString(), "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=200"));
        BufferedReader r = awaitProgress(p, 30);
        String line;
        // SIGTERM, as a scheduler or kill sends it (through the handle: Process.destroy would also close our end
        // of its output)
        assertTrue(p.toHandle().destroy());
        StringBuilder rest = new StringBuilder();
        while ((line = r.readLine()) != null) {
            rest.append(line).append('\n');
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), rest.toString());
        assertTrue(
                rest.toString()
                        .contains(
                                "contract: interrupted; finished blocks are kept: rerun the same command with --resume"),
                rest.toString());
        assertFalse(Files.exists(out), "nothing under the final name");
        try (var s = Files.list(dir)) {
            List<String> names = s.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
            assertTrue(
                    names.stream().anyMatch(n -> n.startsWith(".G.npy.adjoint-") && n.endsWith(".blocks")), "" + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith(".G.npy.adjoint-") && n.endsWith(".tmp")), "" + names);
        }
        // the adjoint rewritten with other bytes, same size and modification time: refused in one line, nothing lost
        Path a = dir.resolve("A.npy");
        byte[] original = Files.readAllBytes(a);
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(a);
        byte[] changed = original.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(a, changed);
        Files.setLastModifiedTime(a, mtime);
        List<String> before = CliRunner.listing(dir);
        CliRunner refused = CliRunner.run(ClusterIT.concat(args, out.toString(), "--resume"));
        assertEquals(2, refused.code, refused.err);
        assertEquals(
                "adjoint contract: --resume: the interrupted run of " + out
                        + " differs: adjoint 1 (content changed); run without --resume to start over",
                refused.err.strip());
        assertEquals(before, CliRunner.listing(dir), "nothing removed");
        Files.write(a, original);
        Files.setLastModifiedTime(a, mtime);

        // a resume that fails (block 39, never reached before the signal, fails every attempt) keeps the blocks
        CliRunner failed = CliRunner.run(ClusterIT.concat(
                args, out.toString(), "--resume", "--conf", "spark.adjoint.test.failAlways=39", "--quiet"));
        assertEquals(3, failed.code, failed.err);
        try (var s = Files.list(dir)) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().endsWith(".blocks")), "journal kept");
        }
        CliRunner resumed = CliRunner.run(ClusterIT.concat(args, out.toString(), "--resume"));
        assertEquals(0, resumed.code, resumed.err);
        Matcher m = Pattern.compile("reused (\\d+) of 40 blocks").matcher(resumed.err);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, resumed.err);
        assertArrayEquals(Files.readAllBytes(dir.resolve("clean.npy")), Files.readAllBytes(out));
        try (var s = Files.list(dir)) {
            assertEquals(
                    List.of("A.npy", "G.npy", "J.npy", "clean.npy"),
                    s.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList()),
                    "no temporaries or lock left");
        }
    }

    /**
     * SIGTERM mid-job when the tasks run on driver threads (a small jacobian): as with Spark tasks, no block starts
     * after the signal, exit 143 with the one line, the temporary and its journal kept, nothing under the final
     * name, and --resume (driver threads again) finishes the same bytes as a clean run with Spark tasks.
     */
    @Test
    void sigtermStopsDriverThreadsAndKeepsFinishedBlocks() throws Exception {
        Random rng = new Random(35);
        TestArrays.writeRandom(dir.resolve("W.npy"), rng, 30, 30);
        TestArrays.writeRandom(dir.resolve("X.npy"), rng, 30, 4);
        String[] args = {
            "jacobian",
            "--master",
            "local[2]",
            "--expr",
            "tanh(W @ X)",
            "--input",
            "W=" + dir.resolve("W.npy"),
            "--input",
            "X=" + dir.resolve("X.npy"),
            "--wrt",
            "X",
            "--rows-per-task",
            "3",
            "--out"
        };
        Path clean = dir.resolve("clean");
        CliRunner reference = CliRunner.run(
                ClusterIT.concat(args, clean.toString(), "--conf", "spark.adjoint.driverTasks=never", "--quiet"));
        assertEquals(0, reference.code, reference.err);
        Path out = dir.resolve("D");
        Process p = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        args, out.toString(), "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=150"));
        StringBuilder seen = new StringBuilder();
        BufferedReader r = awaitProgress(p, 20, seen);
        String line;
        assertTrue(seen.toString().contains("driver threads, not Spark tasks"), seen.toString());
        assertTrue(p.toHandle().destroy()); // SIGTERM
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), seen.toString());
        assertTrue(
                seen.toString()
                        .contains(
                                "jacobian: interrupted; finished blocks are kept: rerun the same command with --resume"),
                seen.toString());
        assertFalse(seen.toString().contains("40/40 blocks"), "stopped before the end: " + seen);
        assertFalse(Files.exists(out.resolve("X.npy")), "nothing under the final name");
        try (var s = Files.list(out)) {
            List<String> names = s.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".blocks")), "" + names);
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".tmp")), "" + names);
        }
        CliRunner resumed = CliRunner.run(ClusterIT.concat(args, out.toString(), "--resume"));
        assertEquals(0, resumed.code, resumed.err);
        Matcher m = Pattern.compile("reused (\\d+) of 40 blocks").matcher(resumed.err);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, resumed.err);
        assertArrayEquals(Files.readAllBytes(clean.resolve("X.npy")), Files.readAllBytes(out.resolve("X.npy")));
        assertEquals(List.of("X.npy"), CliRunner.listing(out), "no temporaries or claim left");
    }

    /** A jacobian interrupted, then resumed with its --input options in another order: the same job, blocks reused. */
    @Test
    void resumeDoesNotCareAboutTheOrderOfOptions() throws Exception {
        Random rng = new Random(34);
        TestArrays.writeRandom(dir.resolve("W.npy"), rng, 30, 30);
        TestArrays.writeRandom(dir.resolve("X.npy"), rng, 30, 4);
        String w = "W=" + dir.resolve("W.npy");
        String x = "X=" + dir.resolve("X.npy");
        String[] head = {
            "jacobian", "--master", "local[2]", "--expr", "tanh(W @ X)", "--wrt", "X", "--rows-per-task", "3"
        };
        Path clean = dir.resolve("clean");
        assertEquals(
                0,
                CliRunner.run(ClusterIT.concat(head, "--input", w, "--input", x, "--out", clean.toString(), "--quiet"))
                        .code);
        Path out = dir.resolve("D");
        Process p = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        head,
                        "--input",
                        w,
                        "--input",
                        x,
                        "--out",
                        out.toString(),
                        "--verbose",
                        "--conf",
                        "spark.adjoint.test.pauseMillisPerBlock=150"));
        awaitProgress(p, 20);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        CliRunner resumed =
                CliRunner.run(ClusterIT.concat(head, "--input", x, "--input", w, "--out", out.toString(), "--resume"));
        assertEquals(0, resumed.code, resumed.err);
        Matcher m = Pattern.compile("reused (\\d+) of 40 blocks").matcher(resumed.err);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, resumed.err);
        assertArrayEquals(Files.readAllBytes(clean.resolve("X.npy")), Files.readAllBytes(out.resolve("X.npy")));
        assertEquals(List.of("X.npy"), CliRunner.listing(out), "no temporaries or claim left");
    }

    /**
     * {@code --format csr} killed with SIGKILL mid-job, one journal entry then damaged: --resume reuses the other
     * finished blocks (their CRCs are combined from the journal, their bytes re-checked), recomputes the rest, and
     * the .npz is identical to a clean run's.
     */
    @Test
    void aCsrResultResumesToTheSameBytes() throws Exception {
        io.adjoint.core.npy.NpyWriter.write(
                dir.resolve("W.npy"),
                new long[] {30, 8},
                new Random(5).doubles(240).toArray());
        io.adjoint.core.npy.NpyWriter.write(
                dir.resolve("X.npy"),
                new long[] {8, 40},
                new Random(6).doubles(320).toArray());
        String[] args = {
            "jacobian",
            "--master",
            "local[2]",
            "--expr",
            "tanh(W @ X)",
            "--input",
            "W=" + dir.resolve("W.npy"),
            "--input",
            "X=" + dir.resolve("X.npy"),
            "--wrt",
            "X,W",
            "--format",
            "csr",
            "--rows-per-task",
            "40",
            "--out"
        };
        assertEquals(
                0, CliRunner.run(ClusterIT.concat(args, dir.resolve("clean").toString(), "--quiet")).code);
        Path out = dir.resolve("out");
        Process p = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        args, out.toString(), "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=200"));
        awaitProgress(p, 30);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(out.resolve("X.npz")), "nothing under the final name");
        Path journal;
        try (var s = Files.list(out)) {
            journal = s.filter(f -> f.getFileName().toString().startsWith(".X.npz.adjoint-")
                            && f.toString().endsWith(".blocks"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> done;
        try (var s = Files.list(journal)) {
            done = s.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("block-"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(done.size() >= 2 && done.size() < 30, "some blocks finished: " + done);
        Files.writeString(journal.resolve(done.get(0)), "40 deadbeef");

        // resumed in the other format: refused in one line, the interrupted run's files untouched (it used to run a
        // fresh npy job beside them and leave them behind)
        List<String> before = new ArrayList<>(CliRunner.listing(out));
        before.remove(".adjoint-lock"); // the killed run's stale claim, taken over and released by the refused run
        String[] asNpy = args.clone();
        asNpy[List.of(args).indexOf("csr")] = "npy";
        HardeningTest.usage(
                CliRunner.run(ClusterIT.concat(asNpy, out.toString(), "--resume")),
                "--resume: the interrupted run of " + out.resolve("X.npy"),
                "was writing X.npz (--format csr): resume it with that format");
        assertEquals(before, CliRunner.listing(out));

        CliRunner resumed = CliRunner.run(ClusterIT.concat(args, out.toString(), "--resume"));
        assertEquals(0, resumed.code, resumed.err);
        Matcher m = Pattern.compile("reused (\\d+) of 30 blocks").matcher(resumed.err);
        assertTrue(m.find(), resumed.err);
        int reused = Integer.parseInt(m.group(1));
        assertTrue(reused >= 1 && reused <= done.size() - 1, "the damaged entry's block recomputed: " + resumed.err);
        for (String w : new String[] {"X.npz", "W.npz"}) {
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("clean").resolve(w)), Files.readAllBytes(out.resolve(w)), w);
        }
        try (var s = Files.list(out)) {
            assertEquals(
                    List.of("W.npz", "X.npz"),
                    s.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    /** Reads {@code p}'s output until its progress passes {@code percent}; returns the reader, positioned after. */
    static BufferedReader awaitProgress(Process p, int percent) throws IOException {
        return awaitProgress(p, percent, new StringBuilder());
    }

    /** As {@link #awaitProgress(Process, int)}, appending every line read to {@code seen}. */
    static BufferedReader awaitProgress(Process p, int percent, StringBuilder seen) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern pct = Pattern.compile("blocks \\((\\d+)%\\)");
        String line;
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = pct.matcher(line);
            if (m.find() && Integer.parseInt(m.group(1)) >= percent) {
                break;
            }
        }
        return r;
    }
}
