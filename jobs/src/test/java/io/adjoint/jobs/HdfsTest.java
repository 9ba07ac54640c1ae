package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.core.testing.TestArrays;
import io.adjoint.driver.testing.MiniHdfs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job (jacobian both as .npy and as CSR .npz) reading its inputs from and writing its results to a real HDFS (NameNode + DataNode in this JVM, on
 * loopback; 1 MiB blocks, so results span blocks and parts end mid-block): results equal the {@code file://}
 * ones bit for bit; the commit joins the parts by {@code concat} (no part file left; the driver moves only the
 * header); a driver killed with SIGKILL leaves the parts folder, and {@code --resume} reuses the intact parts,
 * recomputes a damaged one and gives the identical file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsTest {
    @TempDir
    Path dir;

    MiniHdfs hdfs;
    FileSystem fs;

    @BeforeAll
    void startHdfs(@TempDir Path base) throws IOException {
        hdfs = MiniHdfs.start(base);
        fs = hdfs.fileSystem();
    }

    @AfterAll
    void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    String upload(Path local, String folder) throws IOException {
        org.apache.hadoop.fs.Path to =
                new org.apache.hadoop.fs.Path(folder, local.getFileName().toString());
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), to);
        return hdfs.uri() + to;
    }

    byte[] download(String path) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return in.readAllBytes();
        }
    }

    List<String> names(String folder) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path(folder))) {
            out.add(st.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    /** The driver's bytes at each commit, from the job's "committed …" lines: a header's, never the data. */
    static void assertConcatCommits(String err, int results) {
        Matcher m = Pattern.compile("(\\d+) files joined by concat; the driver moved (\\d+) bytes")
                .matcher(err);
        int found = 0;
        while (m.find()) {
            found++;
            long bytes = Long.parseLong(m.group(2));
            // the frame it writes (an .npy header; a CSR archive's headers, indptr and directory: the statistics
            // see it), and nothing of the data
            assertTrue(bytes > 0 && bytes <= 4096, "driver bytes at commit: " + m.group());
        }
        assertEquals(results, found, err);
    }

    static CliRunner ok(List<String> args) {
        CliRunner r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.code, r.err);
        return r;
    }

    @Test
    void everyJobOnHdfsEqualsItsFileResult() throws Exception {
        fs.mkdirs(new org.apache.hadoop.fs.Path("/in"));
        fs.mkdirs(new org.apache.hadoop.fs.Path("/out"));
        Random rng = new Random(7);
        // contract: 600 rows of 1,200 doubles = 5.5 MiB, in 7 parts that end mid-block
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 30, 20, 3, 4);
        TestArrays.writeRandom(dir.resolve("J.npy"), rng, 3, 4, 30, 40);
        String a = upload(dir.resolve("A.npy"), "/in");
        String j = upload(dir.resolve("J.npy"), "/in");
        List<String> contract = List.of("contract", "--master", "local[2]", "--rows-per-task", "90");
        ok(concat(
                contract,
                "--adjoint",
                dir.resolve("A.npy").toString(),
                "--jacobian",
                dir.resolve("J.npy").toString(),
                "--out",
                dir.resolve("G.npy").toString(),
                "--quiet"));
        CliRunner r =
                ok(concat(contract, "--adjoint", a, "--jacobian", j, "--out", hdfs.uri() + "/out/G.npy", "--verbose"));
        assertConcatCommits(r.err, 1);
        assertArrayEquals(Files.readAllBytes(dir.resolve("G.npy")), download("/out/G.npy"), "contract");

        // jacobian (two results), vjp and jvp of the MLP; inputs on HDFS
        int n = 12;
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(
                5, "W1:" + n + "x" + n, "W2:" + n + "x" + n, "X:" + n + "x" + n, "b1:" + n + "x1", "b2:" + n + "x1");
        List<String> local = new ArrayList<>();
        List<String> remote = new ArrayList<>();
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".npy");
            NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            local.addAll(List.of("--input", e.getKey() + "=" + p));
            remote.addAll(List.of("--input", e.getKey() + "=" + upload(p, "/in")));
        }
        TestArrays.writeRandom(dir.resolve("Gc.npy"), rng, 5, n, n);
        TestArrays.writeRandom(dir.resolve("T.npy"), rng, 5, n, n);
        String gc = upload(dir.resolve("Gc.npy"), "/in");
        String t = upload(dir.resolve("T.npy"), "/in");
        // --verbose: the commit lines say how many bytes the driver wrote
        List<String> mlp = List.of("--master", "local[2]", "--expr", ClusterIT.MLP, "--verbose");
        for (boolean onHdfs : new boolean[] {false, true}) {
            String out = onHdfs ? hdfs.uri() + "/out" : dir.toString();
            List<String> inputs = onHdfs ? remote : local;
            CliRunner jr =
                    ok(job("jacobian", mlp, inputs, "--wrt", "X,W1", "--rows-per-task", "25", "--out", out + "/jac"));
            CliRunner cr = ok(job(
                    "jacobian",
                    mlp,
                    inputs,
                    "--wrt",
                    "X,W1",
                    "--rows-per-task",
                    "25",
                    "--format",
                    "csr",
                    "--out",
                    out + "/csr"));
            String cot = onHdfs ? gc : dir.resolve("Gc.npy").toString();
            CliRunner vr = ok(job(
                    "vjp",
                    mlp,
                    inputs,
                    "--wrt",
                    "X,W1",
                    "--cotangent",
                    cot,
                    "--rows-per-task",
                    "2",
                    "--out",
                    out + "/vjp"));
            String tan = onHdfs ? t : dir.resolve("T.npy").toString();
            CliRunner tr =
                    ok(job("jvp", mlp, inputs, "--tangent", "X=" + tan, "--rows-per-task", "2", "--out", out + "/jvp"));
            if (onHdfs) {
                assertConcatCommits(jr.err, 2);
                assertConcatCommits(cr.err, 2);
                assertConcatCommits(vr.err, 2);
                assertConcatCommits(tr.err, 1);
            }
        }
        for (String f : List.of(
                "jac/X.npy", "jac/W1.npy", "csr/X.npz", "csr/W1.npz", "vjp/X.npy", "vjp/W1.npy", "jvp/out.npy")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(f)), download("/out/" + f), f);
        }
        assertEquals(List.of("W1.npy", "X.npy"), names("/out/jac"), "no parts left");
        assertEquals(List.of("W1.npz", "X.npz"), names("/out/csr"), "no parts left");
        assertEquals(List.of("G.npy", "csr", "jac", "jvp", "vjp"), names("/out"), "no temporaries left");

        // gradcheck reads its inputs from HDFS and writes its report there
        CliRunner g = CliRunner.run(
                job("gradcheck", mlp, remote, "--wrt", "X", "--mode", "full", "--report", hdfs.uri() + "/out/check")
                        .toArray(new String[0]));
        assertEquals(0, g.code, g.err);
        assertTrue(g.out.startsWith("PASS"), g.out);
        assertTrue(
                names("/out/check").contains("report.json"), names("/out/check").toString());
    }

    @Test
    void aKilledRunResumesOnHdfsReusingIntactParts() throws Exception {
        fs.mkdirs(new org.apache.hadoop.fs.Path("/resume"));
        Random rng = new Random(31);
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 40, 10, 6, 6);
        TestArrays.writeRandom(dir.resolve("J.npy"), rng, 6, 6, 8, 8);
        String[] args = {
            "contract",
            "--master",
            "local[2]",
            "--adjoint",
            upload(dir.resolve("A.npy"), "/resume"),
            "--jacobian",
            upload(dir.resolve("J.npy"), "/resume"),
            "--rows-per-task",
            "10",
            "--out"
        };
        assertEquals(
                0, CliRunner.run(ClusterIT.concat(args, dir.resolve("clean.npy").toString(), "--quiet")).code);
        String out = hdfs.uri() + "/resume/G.npy";
        Process p = LargeResultTest.forkCli(
                "1g", ClusterIT.concat(args, out, "--verbose", "--conf", "spark.adjoint.test.pauseMillisPerBlock=200"));
        BufferedReader log = ResumeTest.awaitProgress(p, 30);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        log.close();
        List<String> left = names("/resume");
        assertFalse(left.contains("G.npy"), "nothing under the final name: " + left);
        String partsDir = left.stream()
                .filter(x -> x.startsWith(".G.npy.adjoint-") && x.endsWith(".parts"))
                .findFirst()
                .orElseThrow();
        List<String> parts = names("/resume/" + partsDir).stream()
                .filter(x -> x.startsWith("part-"))
                .toList();
        assertTrue(parts.size() >= 2 && parts.size() < 40, "some parts finished: " + parts);
        // damage the first finished part: same length, other bytes
        org.apache.hadoop.fs.Path damaged = new org.apache.hadoop.fs.Path("/resume/" + partsDir, parts.get(0));
        long len = fs.getFileStatus(damaged).getLen();
        try (OutputStream o = fs.create(damaged, true)) {
            byte[] junk = new byte[(int) len];
            Arrays.fill(junk, (byte) 7);
            o.write(junk);
        }
        CliRunner r = CliRunner.run(ClusterIT.concat(args, out, "--resume"));
        assertEquals(0, r.code, r.err);
        Matcher m = Pattern.compile("reused (\\d+) of 40 blocks").matcher(r.err);
        assertTrue(m.find(), r.err);
        assertEquals(parts.size() - 1, Integer.parseInt(m.group(1)), r.err);
        assertArrayEquals(Files.readAllBytes(dir.resolve("clean.npy")), download("/resume/G.npy"));
        assertEquals(List.of("A.npy", "G.npy", "J.npy"), names("/resume"), "no temporaries left");
    }

    static List<String> job(String command, List<String> common, List<String> inputs, String... more) {
        List<String> c = new ArrayList<>(List.of(command));
        c.addAll(common);
        c.addAll(inputs);
        c.addAll(List.of(more));
        return c;
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(List.of(b));
        return c;
    }
}
