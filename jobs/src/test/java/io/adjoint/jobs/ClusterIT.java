package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.testing.GraphTesting;
import io.adjoint.core.testing.TestArrays;
import io.adjoint.driver.testing.MiniHdfs;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real Spark standalone cluster on loopback (bin/spark-cluster: one Master, two Workers, separate
 * JVMs) and a real HDFS on loopback ({@link MiniHdfs}: NameNode and DataNode in this JVM), jobs are submitted with
 * the spark-submit jar through {@code org.apache.spark.deploy.SparkSubmit}: results read from and written to
 * {@code hdfs://} equal local[2]'s {@code file://} ones bit for bit (same rows per task); a job survives kill -9 of
 * an executor during its HDFS writes with an identical result; after kill -9 of the driver nothing is under the
 * final name on HDFS, and --resume finishes the job reusing the parts that were done, with an identical result;
 * relative paths mean the driver's folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {
    static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();
    static final Path STATE = ROOT.resolve("jobs/target/cluster-it");
    static final String JAR = ROOT.resolve("jobs/target/adjoint-jobs-0.1.0.jar").toString();

    @TempDir
    Path dir;

    String master;
    Thread stopper;
    MiniHdfs hdfs;
    FileSystem fs;

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @BeforeAll
    void startCluster() throws Exception {
        hdfs = MiniHdfs.start(STATE.resolveSibling("cluster-it-hdfs"));
        fs = hdfs.fileSystem();
        stopper = new Thread(() -> {
            try {
                run(ROOT.resolve("bin/spark-cluster").toString(), "stop", STATE.toString());
            } catch (Exception e) {
                System.err.println("could not stop the cluster: " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        String out = run(ROOT.resolve("bin/spark-cluster").toString(), "start", STATE.toString());
        master = out.substring(out.lastIndexOf('\n') + 1).trim();
        assertTrue(master.startsWith("spark://127.0.0.1:"), out);
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            run(ROOT.resolve("bin/spark-cluster").toString(), "stop", STATE.toString());
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopper);
            if (hdfs != null) {
                hdfs.close();
            }
        }
        assertEquals(
                Set.of(),
                workerPids().stream().filter(ClusterIT::alive).collect(Collectors.toSet()),
                "every cluster JVM stopped");
    }

    /** spark-submit of the jar to the cluster; the driver runs in the returned process (client mode). */
    Process submit(List<String> extraConf, String... args) throws IOException {
        return submitIn(null, extraConf, args);
    }

    /** {@link #submit} with the driver started in folder {@code cwd} (null: this one). */
    Process submitIn(Path cwd, List<String> extraConf, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xmx1g");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-")
                    || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Dio.netty")
                    || a.startsWith("--sun-misc")
                    || a.startsWith("--enable-native")) {
                cmd.add(a);
            }
        }
        cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
        cmd.addAll(List.of(
                "-cp",
                STATE.resolve("spark-home/jars") + "/*",
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--properties-file",
                ROOT.resolve("conf/spark-defaults.conf").toString(),
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--conf",
                "spark.executor.memory=512m"));
        for (String c : extraConf) {
            cmd.addAll(List.of("--conf", c));
        }
        // the test ops (cube, wrong_*) live in executor-core's test classes: ship them to the executors too
        cmd.addAll(List.of(
                "--jars",
                ROOT.resolve("executor-core/target/adjoint-executor-core-0.1.0-tests.jar")
                        .toString(),
                "--class",
                Main.class.getName(),
                JAR));
        cmd.addAll(List.of(args));
        if (!List.of(args).contains("--quiet")) {
            cmd.add("--verbose"); // the commit lines ("joined by concat") and progress at each tenth
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().put("SPARK_HOME", STATE.resolve("spark-home").toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return out;
    }

    List<String> mlpInputs(int n, long seed) throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(
                seed, "W1:" + n + "x" + n, "W2:" + n + "x" + n, "X:" + n + "x" + n, "b1:" + n + "x1", "b2:" + n + "x1");
        return CliRunner.inputs(dir, in);
    }

    static final String MLP = "tanh(W2 @ tanh(W1 @ X + b1) + b2)";

    List<String> jacobianArgs(List<String> inputs, String out, String... extra) {
        List<String> a = new ArrayList<>(
                List.of("jacobian", "--expr", MLP, "--wrt", "X,W1", "--out", out, "--rows-per-task", "32"));
        a.addAll(inputs);
        a.addAll(List.of(extra));
        return a;
    }

    void assertSameFiles(Path a, Path b) throws IOException {
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), a + " vs " + b);
    }

    /** A fresh HDFS folder for one test: {@code hdfs://…/name}. */
    String hdfsFolder(String name) throws IOException {
        fs.mkdirs(new org.apache.hadoop.fs.Path("/" + name));
        return hdfs.uri() + "/" + name;
    }

    /** The MLP inputs of {@link #mlpInputs} uploaded to HDFS folder {@code to}, as --input arguments. */
    List<String> onHdfs(List<String> inputs, String to) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : inputs) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                out.add(a);
                continue;
            }
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(
                    to, Paths.get(a.substring(eq + 1)).getFileName().toString());
            fs.copyFromLocalFile(
                    new org.apache.hadoop.fs.Path(Paths.get(a.substring(eq + 1)).toUri()), target);
            out.add(a.substring(0, eq + 1) + target);
        }
        return out;
    }

    void assertSameAsHdfs(Path local, String remote) throws IOException {
        try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path(remote))) {
            assertArrayEquals(Files.readAllBytes(local), in.readAllBytes(), remote + " vs " + local);
        }
    }

    /**
     * Inputs read from and results written to HDFS by the cluster (contract, jacobian, vjp, jvp) equal local[2]'s
     * file:// ones bit for bit; a gradcheck given relative paths gives local[2]'s verdict.
     */
    @Test
    void contractJacobianAndGradcheckOnHdfsEqualLocalResults() throws Exception {
        String h = hdfsFolder("equal");
        Random rng = new Random(3);
        TestArrays.writeRandom(dir.resolve("A.npy"), rng, 20, 7, 6, 5);
        TestArrays.writeRandom(dir.resolve("J.npy"), rng, 6, 5, 4, 9);
        List<String> ab = onHdfs(List.of("A=" + dir.resolve("A.npy"), "J=" + dir.resolve("J.npy")), h);
        String out = finish(submit(
                List.of(),
                "contract",
                "--adjoint",
                ab.get(0).substring(2),
                "--jacobian",
                ab.get(1).substring(2),
                "--rows-per-task",
                "16",
                "--out",
                h + "/G.npy"));
        assertTrue(out.contains("joined by concat"), out);
        assertEquals(
                0,
                CliRunner.run(
                                "contract",
                                "--adjoint",
                                dir.resolve("A.npy").toString(),
                                "--jacobian",
                                dir.resolve("J.npy").toString(),
                                "--rows-per-task",
                                "16",
                                "--out",
                                dir.resolve("G-local.npy").toString(),
                                "--master",
                                "local[2]",
                                "--quiet")
                        .code);
        assertSameAsHdfs(dir.resolve("G-local.npy"), h + "/G.npy");

        List<String> inputs = mlpInputs(12, 4);
        List<String> remote = onHdfs(inputs, h);
        out = finish(submit(List.of(), jacobianArgs(remote, h + "/jc").toArray(new String[0])));
        assertTrue(out.contains("jacobian: wrote"), out);
        List<String> local = jacobianArgs(inputs, dir.resolve("jl").toString(), "--master", "local[2]", "--quiet");
        assertEquals(0, CliRunner.run(local.toArray(new String[0])).code);
        assertSameAsHdfs(dir.resolve("jl/X.npy"), h + "/jc/X.npy");
        assertSameAsHdfs(dir.resolve("jl/W1.npy"), h + "/jc/W1.npy");

        // vjp and jvp: cotangents and tangents on HDFS too, 5 products in tasks of 2
        TestArrays.writeRandom(dir.resolve("Gc.npy"), rng, 5, 12, 12);
        TestArrays.writeRandom(dir.resolve("T.npy"), rng, 5, 12, 12);
        List<String> ct = onHdfs(List.of("G=" + dir.resolve("Gc.npy"), "T=" + dir.resolve("T.npy")), h);
        for (boolean vjp : new boolean[] {true, false}) {
            List<String> a = new ArrayList<>(List.of(vjp ? "vjp" : "jvp", "--expr", MLP, "--rows-per-task", "2"));
            a.addAll(vjp ? List.of("--wrt", "X,W1", "--cotangent") : List.of("--tangent"));
            List<String> onCluster = new ArrayList<>(a);
            onCluster.add(vjp ? ct.get(0).substring(2) : "X=" + ct.get(1).substring(2));
            onCluster.addAll(remote);
            onCluster.addAll(List.of("--out", h + "/p" + vjp));
            out = finish(submit(List.of(), onCluster.toArray(new String[0])));
            assertTrue(out.contains("joined by concat"), out);
            List<String> here = new ArrayList<>(a);
            here.add(vjp ? dir.resolve("Gc.npy").toString() : "X=" + dir.resolve("T.npy"));
            here.addAll(inputs);
            here.addAll(List.of("--out", dir.resolve("p" + vjp).toString(), "--master", "local[2]", "--quiet"));
            CliRunner r = CliRunner.run(here.toArray(new String[0]));
            assertEquals(0, r.code, r.err);
            for (String f : vjp ? List.of("X.npy", "W1.npy") : List.of("out.npy")) {
                assertSameAsHdfs(dir.resolve("p" + vjp).resolve(f), h + "/p" + vjp + "/" + f);
            }
        }

        // gradcheck with relative paths: they mean the driver's folder, also to executors, whose working folders
        // are elsewhere (every path is qualified on the driver before it reaches them)
        List<String> relative = new ArrayList<>();
        for (String a : inputs) {
            relative.add(a.replace(dir.toString() + "/", ""));
        }
        // both modes: full mode first writes the analytic Jacobian into the relative report folder, and executors
        // read it there (it was exit 3, FileNotFoundException on the executor: its relative path meant their folder)
        for (String mode : List.of("probe", "full")) {
            List<String> gc = new ArrayList<>(List.of(
                    "gradcheck", "--expr", "wrong_entry(X) @ W1", "--wrt", "X", "--mode", mode, "--quiet", "--report"));
            Process p = submitIn(
                    dir,
                    List.of(),
                    concat(concat(gc.toArray(new String[0]), "rc-" + mode), relative.toArray(new String[0])));
            String clusterOut = finish(p);
            assertEquals(1, p.exitValue(), clusterOut);
            assertTrue(Files.exists(dir.resolve("rc-" + mode + "/report.json")), clusterOut);
            List<String> gcl = new ArrayList<>(gc);
            gcl.add(dir.resolve("rl-" + mode).toString());
            gcl.addAll(inputs);
            gcl.addAll(List.of("--master", "local[2]"));
            CliRunner r = CliRunner.run(gcl.toArray(new String[0]));
            assertEquals(1, r.code);
            String verdict = clusterOut
                    .lines()
                    .filter(l -> l.startsWith("FAIL"))
                    .findFirst()
                    .orElse("none: " + clusterOut);
            assertEquals(r.out.strip(), verdict, mode + ": the same verdict line");
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    List<Long> workerPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Path f = STATE.resolve("worker-" + i + ".pid");
            if (Files.exists(f)) {
                pids.add(Long.parseLong(Files.readString(f).trim()));
            }
        }
        return pids;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Executor JVMs: children of our Workers running CoarseGrainedExecutorBackend. */
    List<ProcessHandle> executors() throws IOException {
        List<ProcessHandle> out = new ArrayList<>();
        for (long w : workerPids()) {
            ProcessHandle.of(w)
                    .ifPresent(h -> h.children()
                            .filter(c -> c.info()
                                    .arguments()
                                    .map(a -> String.join(" ", a).contains("CoarseGrainedExecutorBackend"))
                                    .orElse(false))
                            .forEach(out::add));
        }
        return out;
    }

    /** Reads the driver's output until a progress line shows at least {@code pct}%; returns what was read. */
    static String waitForProgress(Process p, int pct, StringBuilder sink) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        java.util.regex.Pattern pat = java.util.regex.Pattern.compile("blocks \\((\\d+)%\\)");
        while ((line = r.readLine()) != null) {
            sink.append(line).append('\n');
            java.util.regex.Matcher m = pat.matcher(line);
            if (m.find() && Integer.parseInt(m.group(1)) >= pct) {
                // keep draining in the background so the driver never blocks on a full pipe
                Thread t = new Thread(() -> {
                    try {
                        String l;
                        while ((l = r.readLine()) != null) {
                            synchronized (sink) {
                                sink.append(l).append('\n');
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                t.setDaemon(true);
                t.start();
                return sink.toString();
            }
        }
        return sink.toString();
    }

    @Test
    void survivesKillOfAnExecutorDuringAnHdfsWriteWithAnIdenticalResult() throws Exception {
        String h = hdfsFolder("killed");
        List<String> inputs = mlpInputs(16, 5);
        List<String> local = jacobianArgs(inputs, dir.resolve("clean").toString(), "--master", "local[2]", "--quiet");
        assertEquals(0, CliRunner.run(local.toArray(new String[0])).code);
        Process p = submit(
                List.of("spark.adjoint.test.pauseMillisPerBlock=400"),
                jacobianArgs(onHdfs(inputs, h), h + "/jac").toArray(new String[0]));
        StringBuilder log = new StringBuilder();
        waitForProgress(p, 10, log);
        List<ProcessHandle> ex = executors();
        assertEquals(2, ex.size(), "two executors running: " + log);
        Runtime.getRuntime()
                .exec(new String[] {"kill", "-9", Long.toString(ex.get(0).pid())})
                .waitFor();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log.toString());
        assertSameAsHdfs(dir.resolve("clean/X.npy"), h + "/jac/X.npy");
        assertSameAsHdfs(dir.resolve("clean/W1.npy"), h + "/jac/W1.npy");
    }

    /**
     * A driver killed with SIGKILL mid-job, writing to HDFS, leaves nothing under the final names and its parts
     * folders; a resume with other arguments is refused naming what differs; the same command with --resume, on
     * the cluster, reuses the finished parts and gives the identical result, leaving no temporaries.
     */
    @Test
    void afterKillOfTheDriverResumeOnHdfsReusesFinishedBlocks() throws Exception {
        String h = hdfsFolder("resumed");
        List<String> inputs = mlpInputs(16, 6);
        List<String> local = jacobianArgs(inputs, dir.resolve("clean").toString(), "--master", "local[2]", "--quiet");
        assertEquals(0, CliRunner.run(local.toArray(new String[0])).code);
        List<String> remote = onHdfs(inputs, h);
        String out = h + "/jac";
        Process p = submit(
                List.of("spark.adjoint.test.pauseMillisPerBlock=300"),
                jacobianArgs(remote, out).toArray(new String[0]));
        StringBuilder log = new StringBuilder();
        waitForProgress(p, 30, log);
        p.destroyForcibly(); // SIGKILL: no shutdown hooks run
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> left = new ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path(out))) {
            left.add(st.getPath().getName());
        }
        assertFalse(left.contains("X.npy") || left.contains("W1.npy"), "nothing under the final names: " + left);
        assertTrue(left.stream().anyMatch(f -> f.endsWith(".parts")), "the parts are left to resume from: " + left);
        // a resume with other arguments is refused
        List<String> other = new ArrayList<>(jacobianArgs(remote, out, "--resume", "--master", "local[2]"));
        other.set(other.indexOf("X,W1"), "X");
        CliRunner refused = CliRunner.run(other.toArray(new String[0]));
        assertEquals(2, refused.code, refused.err);
        assertTrue(refused.err.contains("--resume: the interrupted run of"), refused.err);
        assertTrue(refused.err.contains("differs: wrt (was W1,X)"), refused.err);
        // the same arguments with --resume finish the job, on the cluster
        String resumed =
                finish(submit(List.of(), jacobianArgs(remote, out, "--resume").toArray(new String[0])));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("reused (\\d+) of (\\d+) blocks")
                .matcher(resumed);
        assertTrue(m.find(), resumed);
        assertTrue(Integer.parseInt(m.group(1)) > 0, resumed);
        assertTrue(Integer.parseInt(m.group(1)) < Integer.parseInt(m.group(2)), resumed);
        assertSameAsHdfs(dir.resolve("clean/X.npy"), out + "/X.npy");
        assertSameAsHdfs(dir.resolve("clean/W1.npy"), out + "/W1.npy");
        List<String> names = new ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path(out))) {
            names.add(st.getPath().getName());
        }
        names.sort(null);
        assertEquals(List.of("W1.npy", "X.npy"), names);
    }
}
