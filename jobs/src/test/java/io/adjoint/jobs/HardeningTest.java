package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.testing.TestArrays;
import io.adjoint.driver.destination.Destinations;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What careless or unlucky users do, each with its exit code, its one line, and the exact files left afterwards:
 * a destination another run holds, a stale claim of a dead run, a folder another run wrote into, results that would
 * replace an input, a FIFO as input, absurdly deep expressions, bad master URLs and Spark settings.
 */
class HardeningTest {
    @TempDir
    Path dir;

    Path w;
    Path x;

    @BeforeEach
    void inputs() throws IOException {
        Random rng = new Random(10);
        w = dir.resolve("W.npy");
        x = dir.resolve("X.npy");
        TestArrays.writeRandom(w, rng, 3, 4);
        TestArrays.writeRandom(x, rng, 4, 2);
    }

    CliRunner jacobian(Path out, String expr, String... more) {
        return jacobianOf(out, expr, "X", List.of("W=" + w, "X=" + x), more);
    }

    /** {@code jacobian} of {@code expr} d/d{@code wrt} with these {@code --input NAME=PATH}s, quiet, on local[2]. */
    static CliRunner jacobianOf(Path out, String expr, String wrt, List<String> inputs, String... more) {
        List<String> a = new ArrayList<>(List.of("jacobian", "--expr", expr));
        inputs.forEach(i -> a.addAll(List.of("--input", i)));
        if (!List.of(more).contains("--master")) {
            a.addAll(List.of("--master", "local[2]"));
        }
        a.addAll(List.of("--wrt", wrt, "--out", out.toString(), "--quiet"));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(new String[0]));
    }

    /** {@code gradcheck} of {@code W @ X} d/dX on local[2], inputs W and {@code xFile} as X, report in {@code report}. */
    CliRunner gradcheck(Path xFile, Path report, String... more) {
        List<String> a = new ArrayList<>(List.of("gradcheck", "--master", "local[2]", "--expr", "W @ X"));
        a.addAll(List.of("--input", "W=" + w, "--input", "X=" + xFile, "--wrt", "X", "--report", report.toString()));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(new String[0]));
    }

    /** Exit 2 with exactly one line on stderr containing every fragment; returns the line. */
    static String usage(CliRunner r, String... fragments) {
        assertEquals(2, r.code, "exit code; stderr: " + r.err);
        String[] lines = r.err.strip().split("\n", -1);
        assertEquals(1, lines.length, "one line: " + r.err);
        for (String f : fragments) {
            assertTrue(lines[0].contains(f), "'" + f + "' in: " + lines[0]);
        }
        return lines[0];
    }

    static String marker(long pid, long startMillis) throws IOException {
        return pid + " " + InetAddress.getLocalHost().getHostName() + " " + startMillis + " test";
    }

    @Test
    void aDestinationAnotherLiveRunHoldsIsRefusedAndLeftAlone() throws IOException {
        Path out = Files.createDirectories(dir.resolve("D"));
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        Files.writeString(out.resolve(Destinations.FOLDER_LOCK), marker(self.pid(), start));
        usage(jacobian(out, "W @ X"), "--out " + out, "another run (process " + self.pid(), "is writing to it");
        assertEquals(List.of(Destinations.FOLDER_LOCK), CliRunner.listing(out), "nothing written, the claim kept");

        // the same for a result file (contract): its claim sits beside it
        Path g = dir.resolve("G.npy");
        Files.writeString(dir.resolve(".G.npy.adjoint-lock"), marker(self.pid(), start));
        TestArrays.writeRandom(dir.resolve("A.npy"), new Random(1), 2, 2, 4, 2);
        TestArrays.writeRandom(dir.resolve("J.npy"), new Random(2), 4, 2, 3, 3);
        usage(
                CliRunner.run(
                        "contract",
                        "--master",
                        "local[2]",
                        "--adjoint",
                        dir.resolve("A.npy").toString(),
                        "--jacobian",
                        dir.resolve("J.npy").toString(),
                        "--out",
                        g.toString()),
                "is writing to it");
        assertFalse(Files.exists(g));
    }

    /**
     * A destination this user may not write — an immutable folder for root (chattr +i: root passes permission
     * bits), a read-only one for anyone else — is the user's to fix: exit 2 in one line naming it, not an internal
     * error; nothing is created.
     */
    @Test
    void aDestinationThatCannotBeWrittenIsAUsageError() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        boolean root = System.getProperty("user.name").equals("root");
        String[] lock = root
                ? new String[] {"chattr", "+i", locked.toString()}
                : new String[] {"chmod", "555", locked.toString()};
        assertEquals(0, new ProcessBuilder(lock).inheritIO().start().waitFor(), String.join(" ", lock));
        try {
            String why = root ? "operation not permitted" : "permission denied";
            usage(
                    jacobian(locked.resolve("jac"), "W @ X"),
                    "--out " + locked.resolve("jac") + ": cannot write there: " + why);
            usage(jacobian(locked, "W @ X"), "--out " + locked + ": cannot write there: " + why);
            assertEquals(List.of(), CliRunner.listing(locked));
        } finally {
            String[] unlock = root
                    ? new String[] {"chattr", "-i", locked.toString()}
                    : new String[] {"chmod", "755", locked.toString()};
            new ProcessBuilder(unlock).inheritIO().start().waitFor();
        }
    }

    /** --format per input: a name outside --wrt, an unknown format and a name given twice are one-line usage errors. */
    @Test
    void formatsThatCannotBeAreRefused() throws IOException {
        Path out = dir.resolve("f");
        usage(jacobian(out, "W @ X", "--format", "xyz"), "--format xyz: 'xyz' is not a format (npy, csr, auto");
        usage(jacobian(out, "W @ X", "--format", "X=csr,W=npy"), "--format W=npy: W is not in --wrt (X)");
        usage(jacobian(out, "W @ X", "--format", "X=csr,X=npy"), "--format X=npy: X is given a format twice");
        assertFalse(Files.exists(out));
        // and what is fine: a format for every input, and one by name, in any case
        assertEquals(0, jacobian(out, "W @ X", "--format", "NPY,X=Csr").code);
        assertEquals(List.of("X.npz"), CliRunner.listing(out));
    }

    @Test
    void theStaleClaimOfADeadRunIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long start = gone.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        Path out = Files.createDirectories(dir.resolve("D"));
        Files.writeString(out.resolve(Destinations.FOLDER_LOCK), marker(gone.pid(), start));
        CliRunner r = jacobian(out, "W @ X");
        assertEquals(0, r.code, r.err);
        assertEquals(List.of("X.npy"), CliRunner.listing(out), "the result, and no claim left behind");
    }

    @Test
    void aFailedRunRemovesOnlyAnEmptyFolderItCreated() throws IOException {
        Configuration conf = new Configuration();
        Path out = dir.resolve("D");
        Destinations.Folder a = Destinations.Folder.open("--out", out.toString(), conf);
        Files.write(out.resolve("W.npy"), new byte[] {1}); // another run's committed result
        a.discard();
        assertEquals(List.of("W.npy"), CliRunner.listing(out), "the other result survives the failed run");

        Path mine = dir.resolve("E");
        Destinations.Folder.open("--out", mine.toString(), conf).discard();
        assertFalse(Files.exists(mine), "an empty folder the failed run created is removed");
    }

    @Test
    void resultsNeverReplaceAnInput() throws IOException {
        Path out = Files.createDirectories(dir.resolve("D"));
        Path inside = out.resolve("X.npy");
        Files.copy(x, inside);
        byte[] before = Files.readAllBytes(inside);
        CliRunner r = CliRunner.run(
                "jacobian",
                "--master",
                "local[2]",
                "--expr",
                "W @ X",
                "--input",
                "W=" + w,
                "--input",
                "X=" + inside,
                "--wrt",
                "X",
                "--out",
                out.toString(),
                "--overwrite");
        usage(r, "--out " + out, "would write over the input " + inside);
        assertArrayEquals(before, Files.readAllBytes(inside));
        assertEquals(List.of("X.npy"), CliRunner.listing(out));

        // contract --out its own adjoint, even through a symbolic link
        Path a = dir.resolve("A.npy");
        TestArrays.writeRandom(a, new Random(1), 2, 2, 4, 2);
        TestArrays.writeRandom(dir.resolve("J.npy"), new Random(2), 4, 2, 3, 3);
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), a);
        byte[] adj = Files.readAllBytes(a);
        usage(
                CliRunner.run(
                        "contract",
                        "--master",
                        "local[2]",
                        "--adjoint",
                        a.toString(),
                        "--jacobian",
                        dir.resolve("J.npy").toString(),
                        "--out",
                        link.toString(),
                        "--overwrite"),
                "would write over the input " + a);
        assertArrayEquals(adj, Files.readAllBytes(a));

        // gradcheck: an input named like a report file in the report folder
        Path rep = Files.createDirectories(dir.resolve("R"));
        Path json = rep.resolve("report.json");
        Files.copy(x, json);
        usage(gradcheck(json, rep, "--overwrite"), "would write over the input " + json);
        assertEquals(List.of("report.json"), CliRunner.listing(rep));
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("X.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path out = dir.resolve("D");
        String line = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> usage(CliRunner.run(
                        "jacobian",
                        "--master",
                        "local[2]",
                        "--expr",
                        "W @ X",
                        "--input",
                        "W=" + w,
                        "--input",
                        "X=" + fifo,
                        "--wrt",
                        "X",
                        "--out",
                        out.toString())));
        assertTrue(line.contains("--input X=") && line.contains("not a regular file"), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void absurdlyDeepExpressionsAreOneLineErrors() {
        String paren = "(".repeat(2000) + "X" + ")".repeat(2000);
        String calls = "tanh(".repeat(3000) + "X" + ")".repeat(3000);
        String deepest = "(".repeat(10_000) + "X" + ")".repeat(10_000);
        String sum = "X" + " + X".repeat(99_999);
        String transposes = "X" + ".T".repeat(2000);
        String signs = "-".repeat(5000) + "X";
        for (String e : List.of(paren, calls, deepest, sum, transposes, signs)) {
            Path out = dir.resolve("D");
            usage(jacobian(out, "W @ " + e), "nested more than 1000 levels deep");
            assertFalse(Files.exists(out));
        }
        // 999 levels still work
        CliRunner ok = jacobian(dir.resolve("ok"), "W @ " + "(".repeat(990) + "X" + ")".repeat(990));
        assertEquals(0, ok.code, ok.err);
        // the limit is exactly what the docs say: 1000 nested calls and a 1001-term sum pass, one more does not
        // (1000 nested calls were refused while a 1001-term sum passed)
        assertEquals(0, jacobian(dir.resolve("c1000"), "tanh(".repeat(1000) + "X" + ")".repeat(1000)).code);
        usage(jacobian(dir.resolve("c1001"), "tanh(".repeat(1001) + "X" + ")".repeat(1001)), "more than 1000 levels");
        assertEquals(0, jacobian(dir.resolve("s1001"), "X" + " + X".repeat(1000)).code);
        usage(jacobian(dir.resolve("s1002"), "X" + " + X".repeat(1001)), "more than 1000 levels");
    }

    @Test
    void badMastersSettingsAndPlacesAreUsageErrors() {
        Path out = dir.resolve("D");
        usage(jacobian(out, "W @ X", "--master", "garbage"), "--master garbage: not a Spark master URL");
        usage(jacobian(out, "W @ X", "--master", "local[0]"), "needs at least one thread");
        long t0 = System.nanoTime();
        usage(jacobian(out, "W @ X", "--master", "spark://127.0.0.1:1"), "no Spark master answers there");
        assertTrue(System.nanoTime() - t0 < 20e9, "refused within seconds");
        // a setting Spark would refuse at start is refused before it, with Spark tasks or without
        usage(
                jacobian(
                        out,
                        "W @ X",
                        "--conf",
                        "spark.executor.memory=lots",
                        "--conf",
                        "spark.adjoint.driverTasks=never"),
                "spark.executor.memory=lots: not a size");
        // settings Spark would refuse are refused up front, also when a small job would never start Spark
        usage(jacobian(out, "W @ X", "--conf", "spark.executor.memory=abc"), "spark.executor.memory=abc: not a size");
        usage(jacobian(out, "W @ X", "--conf", "spark.broadcast.blockSize=0"), "must be at least 1 byte");
        usage(
                jacobian(out, "W @ X", "--conf", "spark.serializer=does.not.Exist"),
                "no class does.not.Exist on the class path");
        usage(jacobian(out, "W @ X", "--conf", "spark.kryo.registrator=no.Such"), "no class no.Such on the class path");
        usage(jacobian(out, "W @ X", "--conf", "spark.task.cpus=5"), "more than the 2 thread(s) of --master local[2]");
        usage(jacobian(out, "W @ X", "--conf", "spark.task.cpus=two"), "must be a whole number ≥ 1");
        // a mistyped scratch folder is not created behind the user's back
        Path nowhere = dir.resolve("nonexistent").resolve("dir");
        usage(jacobian(out, "W @ X", "--conf", "spark.local.dir=" + nowhere), nowhere + " is not a folder");
        assertFalse(Files.exists(nowhere.getParent()));
        // Spark refuses such a UI port by exiting the JVM with 1 (a gradcheck FAIL's code) and no word
        usage(
                jacobian(out, "W @ X", "--conf", "spark.ui.enabled=true", "--conf", "spark.ui.port=1"),
                "--conf spark.ui.port=1: a port from 1024 to 65535, or 0 for any free one");
        // masters whose cluster managers this class path lacks, or that Spark refuses to start
        usage(jacobian(out, "W @ X", "--master", "yarn"), "--master yarn: this class path has no YARN support");
        usage(
                jacobian(out, "W @ X", "--master", "k8s://https://127.0.0.1:6443"),
                "this class path has no Kubernetes support");
        usage(
                jacobian(
                        out,
                        "W @ X",
                        "--master",
                        "local-cluster[1,1,512]",
                        "--conf",
                        "spark.adjoint.driverTasks=never"),
                "Spark did not start");
        usage(jacobian(out, "W @ 1e999"), "beyond the float64 range");
        assertFalse(Files.exists(out));
        usage(jacobian(x.resolve("sub"), "W @ X"), "is a file, not a folder");
    }

    @Test
    void aResultLargerThanTheFreeSpaceIsRefusedBeforeItStarts() throws IOException {
        Path big = dir.resolve("big.npy");
        TestArrays.writeRandom(big, new Random(3), 1000, 1000);
        Path out = dir.resolve("D");
        usage(
                CliRunner.run(
                        "jacobian",
                        "--master",
                        "local[2]",
                        "--expr",
                        "tanh(X)",
                        "--input",
                        "X=" + big,
                        "--wrt",
                        "X",
                        "--out",
                        out.toString()),
                "--out " + out + ": the result needs 7.3 TiB, and the file system there has",
                "free");
        assertFalse(Files.exists(out));
    }

    @Test
    void aStoreWithoutItsConnectorIsAUsageError() {
        Path out = dir.resolve("D");
        usage(
                CliRunner.run(
                        "jacobian",
                        "--master",
                        "local[2]",
                        "--expr",
                        "W @ X",
                        "--input",
                        "W=" + w,
                        "--input",
                        "X=s3a://bucket/X.npy",
                        "--wrt",
                        "X",
                        "--out",
                        out.toString()),
                "s3a:// paths need their Hadoop connector",
                "hadoop-aws");
        assertFalse(Files.exists(out));
    }

    @Test
    void aBroadcastBudgetBeyondTheHeapIsRefusedNotAnOutOfMemoryError() throws Exception {
        TestArrays.writeRandom(dir.resolve("A.npy"), new Random(4), 2, 2, 64, 1024);
        TestArrays.writeRandom(dir.resolve("J.npy"), new Random(5), 64, 1024, 4, 32); // 64 MiB
        Process p = LargeResultTest.forkCli(
                "256m",
                "contract",
                "--master",
                "local[1]",
                "--adjoint",
                dir.resolve("A.npy").toString(),
                "--jacobian",
                dir.resolve("J.npy").toString(),
                "--out",
                dir.resolve("G.npy").toString(),
                "--broadcast-budget",
                "100g",
                "--plan",
                "broadcast");
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(
                out.strip()
                        .endsWith("raise it to at least 1g (bin/adjoint: ADJOINT_DRIVER_MEMORY; spark-submit:"
                                + " --driver-memory), or use --plan streamed"),
                out);
        assertTrue(out.contains("holds them twice"), out);
        assertFalse(Files.exists(dir.resolve("G.npy")));
    }

    @Test
    void aKilledGradchecksWorkFolderIsNotContentAndIsRemoved() throws IOException {
        Path rep = Files.createDirectories(dir.resolve("R"));
        Path work = Files.createDirectories(rep.resolve(".adjoint-gradcheck-work"));
        Files.write(work.resolve("X.npy"), new byte[1024]);
        CliRunner r = gradcheck(x, rep, "--quiet");
        assertEquals(0, r.code, r.err);
        assertEquals(List.of("error-heatmap.png", "report.json", "report.md"), CliRunner.listing(rep));
    }

    /** Two runs on one destination at once: the second is refused while the first runs, and the first's result stands. */
    @Test
    void aSecondConcurrentRunIsRefusedAndTheFirstResultStands() throws Exception {
        Random rng = new Random(33);
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 20, 10, 6, 6);
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
        Path g = dir.resolve("G.npy");
        Process first = LargeResultTest.forkCli(
                "1g",
                ClusterIT.concat(
                        args, g.toString(), "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=150"));
        java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(first.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.contains("tasks")) {
            // until the first run has claimed G.npy and started its tasks
        }
        usage(CliRunner.run(ClusterIT.concat(args, g.toString())), "--out " + g, "is writing to it");
        while (r.readLine() != null) {
            // drain
        }
        assertTrue(first.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, first.exitValue());
        assertArrayEquals(Files.readAllBytes(dir.resolve("clean.npy")), Files.readAllBytes(g));
        assertEquals(
                List.of("A.npy", "G.npy", "J.npy", "W.npy", "X.npy", "clean.npy"),
                CliRunner.listing(dir),
                "the result, no temporaries, no claim");
    }

    /** Issue 23's smaller broken promises, each now an exit 2 in one line or the behaviour the docs state. */
    @Test
    void pathsNamesAndFlagsSayWhatIsWrong() throws IOException {
        Path out = dir.resolve("D");
        // a colon outside a scheme: Hadoop cannot parse it (was exit 3, URISyntaxException)
        usage(jacobianOf(out, "W @ X", "X", List.of("W=" + w, "X=foo:bar")), "'foo:bar' is not a path Hadoop can read");
        // a name too long to become a file name (was exit 3, "File name too long", and a leftover folder)
        String longName = "a".repeat(300);
        usage(
                jacobianOf(out, "W @ " + longName, longName, List.of("W=" + w, longName + "=" + x)),
                "a name of 300 characters; at most 128");
        assertFalse(Files.exists(out));
        // a folder where a result file goes: no hint to "give a file name such as G.npy"
        Files.createDirectories(out.resolve("X.npy"));
        usage(jacobian(out, "W @ X", "--overwrite"), "--out " + out.resolve("X.npy") + ": a folder is where this");
        // --mode is case-insensitive, as --seeding is
        CliRunner g = gradcheck(x, dir.resolve("rep"), "--quiet", "--mode", "FULL");
        assertEquals(0, g.code, g.err);
        // -V on a subcommand prints the version (it printed nothing)
        CliRunner v = CliRunner.run("jacobian", "-V");
        assertEquals(0, v.code, v.err);
        assertTrue(v.out.startsWith("adjoint 0.1.0"), v.out);
    }

    /** A result holding NaN or ±∞ is never written without a word (issue 23, item 11): where they first appear. */
    @Test
    void nonFiniteValuesAreNamedWhereTheyFirstAppear() throws IOException {
        CliRunner div = jacobian(dir.resolve("a"), "W @ (X / 0)");
        assertEquals(0, div.code, div.err);
        assertTrue(
                div.err.contains("warning: 'X / 0' is NaN or ±∞ at 8 of 8 entries where its arguments are finite"),
                div.err);
        assertFalse(div.err.contains("'W @ (X / 0)'"), "only where it starts, not everything downstream: " + div.err);
        Path nan = dir.resolve("N.npy");
        double[] d = new double[8];
        d[5] = Double.NaN;
        io.adjoint.core.npy.NpyWriter.write(nan, new long[] {4, 2}, d);
        CliRunner in = jacobianOf(dir.resolve("b"), "W @ X", "X", List.of("W=" + w, "X=" + nan));
        assertEquals(0, in.code, in.err);
        assertTrue(in.err.contains("warning: input X holds NaN or ±∞ at 1 of 8 entries"), in.err);
        CliRunner fine = jacobian(dir.resolve("c"), "tanh(W @ X)");
        assertEquals("", fine.err, "finite values: no warning");
    }
}
