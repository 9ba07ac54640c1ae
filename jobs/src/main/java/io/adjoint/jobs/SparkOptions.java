package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.spark.AdjointSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/** Options every Spark-running command shares. */
public final class SparkOptions {
    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master. Default: the one spark-submit gives, else local[*] (embedded Spark, "
                    + "loopback only, no web UI). On a local master a small job (at most 4 GFLOP per thread, "
                    + "estimated) runs its tasks on driver threads, skipping Spark's fixed cost per job, and Spark "
                    + "is started only if some stage needs its tasks; --conf spark.adjoint.driverTasks=never uses "
                    + "Spark tasks always.")
    public String master;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "Extra Spark setting, repeatable (e.g. --conf spark.ui.enabled=true).")
    public List<String> conf = new ArrayList<>();

    @Option(
            names = "--quiet",
            description = "Nothing on stderr but warnings and errors (not even the line saying what was written).")
    public boolean quiet;

    @Option(
            names = {"-v", "--verbose"},
            description = "The planner's reasoning on stderr too (plan, seeding, rows per task, where tasks run,"
                    + " memory), and progress at each tenth of the work. By default a job says what it wrote and how"
                    + " long it took, and shows progress only after 3 s.")
    public boolean verbose;

    private SparkConf built;

    /** The Python session's Spark ({@link PythonSession}), shared by every command it runs; null outside one. */
    static volatile PythonSession.Shared session;

    /**
     * The Spark settings of this run (spark-submit's, spark-defaults', --conf, --master), without starting Spark;
     * the same object {@link #start} uses.
     */
    public SparkConf sparkConf(String appName) {
        if (built != null) {
            return built;
        }
        PythonSession.Shared shared = session;
        if (shared != null) {
            if (master != null || !conf.isEmpty()) {
                throw new InvalidInputException("--master and --conf are chosen once per Python process, when Spark"
                        + " starts: adjoint.start(master=..., conf={...}) before the first call");
            }
            built = shared.conf();
            return built;
        }
        SparkConf sc = new SparkConf().setAppName(appName).set("spark.ui.showConsoleProgress", "false");
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--conf " + kv + ": expected KEY=VALUE");
            }
            sc.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        if (master != null) {
            sc.setMaster(master);
        } else if (!sc.contains("spark.master")) {
            sc.setMaster("local[*]");
        }
        checkMaster(sc.get("spark.master"));
        checkSettings(sc);
        shipOurJar(sc);
        built = AdjointSpark.configure(sc);
        return built;
    }

    /**
     * On a cluster, executors need our classes: when nothing set {@code spark.jars} (spark-submit sets it to the
     * submitted jar), ship the jar this class was loaded from — bin/adjoint runs from the shaded jobs jar, which
     * holds everything but Spark. Local masters share the driver's class path and need nothing.
     */
    static void shipOurJar(SparkConf sc) {
        java.security.CodeSource src = SparkOptions.class.getProtectionDomain().getCodeSource();
        shipJar(
                sc,
                src == null || src.getLocation() == null
                        ? null
                        : src.getLocation().toString());
    }

    /** {@link #shipOurJar} for a class loaded from {@code location} (a jar, a folder of classes, or null). */
    static void shipJar(SparkConf sc, String location) {
        String m = sc.get("spark.master");
        if (LOCAL.matcher(m).matches() || sc.contains("spark.jars") || location == null) {
            return;
        }
        if (location.endsWith(".jar")) {
            sc.set("spark.jars", location);
        }
    }

    private static final java.util.regex.Pattern LOCAL =
            java.util.regex.Pattern.compile("local(\\[(\\*|\\d+)(,\\s*\\d+)?\\])?");
    private static final java.util.regex.Pattern STANDALONE =
            java.util.regex.Pattern.compile("spark://[^:/,\\s]+:\\d+(,[^:/,\\s]+:\\d+)*");

    /** Refuses a master URL Spark would not take (exit 2), before anything starts. */
    static void checkMaster(String m) {
        java.util.regex.Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            if (local.group(2) != null && local.group(2).matches("0+")) {
                throw new InvalidInputException("--master " + m + ": needs at least one thread (local[1], local[*])");
            }
            return;
        }
        if (STANDALONE.matcher(m).matches() || m.startsWith("local-cluster[")) {
            return;
        }
        if (m.equals("yarn") || m.startsWith("k8s://")) {
            // Spark finds a cluster manager by its class; bin/adjoint's class path holds spark-core's, not these
            String manager = m.equals("yarn")
                    ? "org.apache.spark.scheduler.cluster.YarnClusterManager"
                    : "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager";
            if (!loadable(manager)) {
                throw new InvalidInputException("--master " + m + ": this class path has no "
                        + (m.equals("yarn") ? "YARN" : "Kubernetes")
                        + " support; submit jobs/target/adjoint-jobs-0.1.0.jar with a Spark distribution's spark-submit"
                        + " (docs/running.md)");
            }
            return;
        }
        throw new InvalidInputException("--master " + m + ": not a Spark master URL (local[*], local[N],"
                + " spark://HOST:PORT, yarn, k8s://https://HOST:PORT)");
    }

    /** Keys whose values Spark reads as byte sizes ("4g", "512m"), all at least one byte. */
    private static final List<String> SIZES = List.of(
            "spark.driver.memory",
            "spark.executor.memory",
            "spark.driver.maxResultSize",
            "spark.broadcast.blockSize",
            "spark.kryoserializer.buffer",
            "spark.kryoserializer.buffer.max",
            "spark.executor.memoryOverhead",
            "spark.driver.memoryOverhead");

    /** Keys whose values are whole numbers, with the least each may be. */
    private static final java.util.Map<String, Integer> COUNTS = java.util.Map.of(
            "spark.task.cpus", 1,
            "spark.executor.cores", 1,
            "spark.default.parallelism", 1,
            "spark.task.maxFailures", 1,
            "spark.executor.instances", 0);

    /**
     * Refuses, before anything runs, a setting Spark would refuse when it starts — also for a job small enough never
     * to start it: byte sizes ({@link #SIZES}; {@code spark.driver.maxResultSize} may be 0, no limit), whole
     * numbers ({@link #COUNTS}), the serializer and Kryo registrator classes (they must load), and
     * {@code spark.task.cpus} above a local master's threads (its tasks could never be scheduled).
     */
    static void checkSettings(SparkConf sc) {
        for (String key : SIZES) {
            if (!sc.contains(key)) {
                continue;
            }
            long bytes;
            try {
                bytes = sc.getSizeAsBytes(key);
            } catch (RuntimeException e) {
                throw new InvalidInputException(
                        "--conf " + key + "=" + sc.get(key) + ": not a size (write it as 512m, 4g, 1t)");
            }
            if (bytes < 1 && !key.equals("spark.driver.maxResultSize")) {
                throw new InvalidInputException("--conf " + key + "=" + sc.get(key) + ": must be at least 1 byte");
            }
        }
        for (java.util.Map.Entry<String, Integer> c : COUNTS.entrySet()) {
            if (!sc.contains(c.getKey())) {
                continue;
            }
            String v = sc.get(c.getKey()).trim();
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                n = Integer.MIN_VALUE;
            }
            if (n < c.getValue()) {
                throw new InvalidInputException(
                        "--conf " + c.getKey() + "=" + v + ": must be a whole number ≥ " + c.getValue());
            }
        }
        for (String key : List.of("spark.ui.port", "spark.driver.port", "spark.blockManager.port")) {
            if (!sc.contains(key)) {
                continue;
            }
            String v = sc.get(key).trim();
            int port;
            try {
                port = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port != 0 && (port < 1024 || port > 65535)) {
                // Spark refuses it when the service starts — for the UI by exiting the JVM with 1, the code of a
                // gradcheck FAIL, and no word
                throw new InvalidInputException(
                        "--conf " + key + "=" + v + ": a port from 1024 to 65535, or 0 for any free one");
            }
        }
        for (String key : List.of("spark.serializer", "spark.kryo.registrator")) {
            for (String cls : sc.get(key, "").split(",", -1)) {
                if (!cls.isBlank() && !loadable(cls.trim())) {
                    throw new InvalidInputException(
                            "--conf " + key + "=" + sc.get(key) + ": no class " + cls.trim() + " on the class path");
                }
            }
        }
        java.util.regex.Matcher local = LOCAL.matcher(sc.get("spark.master"));
        if (local.matches() && sc.contains("spark.local.dir")) {
            // on a local master the scratch folders are this machine's: Spark would create a mistyped one silently
            for (String d : sc.get("spark.local.dir").split(",", -1)) {
                if (!d.isBlank() && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(d.trim()))) {
                    throw new InvalidInputException("--conf spark.local.dir=" + sc.get("spark.local.dir") + ": "
                            + d.trim() + " is not a folder (create it first)");
                }
            }
        }
        if (local.matches() && sc.contains("spark.task.cpus")) {
            int threads = local.group(2) == null
                    ? 1
                    : local.group(2).equals("*")
                            ? Runtime.getRuntime().availableProcessors()
                            : Integer.parseInt(local.group(2));
            int cpus = Integer.parseInt(sc.get("spark.task.cpus").trim());
            if (cpus > threads) {
                throw new InvalidInputException("--conf spark.task.cpus=" + cpus + ": more than the " + threads
                        + " thread(s) of --master " + sc.get("spark.master") + "; no task could ever run");
            }
        }
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, SparkOptions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * A standalone master must answer on its port: Spark itself would retry for a minute and then report a
     * block-manager failure. Checked within 5 s per address.
     */
    static void checkReachable(String m) {
        if (!m.startsWith("spark://")) {
            return;
        }
        for (String hostPort : m.substring("spark://".length()).split(",", -1)) {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon);
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 5000);
                return;
            } catch (java.io.IOException e) {
                // try the next master
            }
        }
        throw new InvalidInputException("--master " + m + ": no Spark master answers there (is it running?)");
    }

    /**
     * The Hadoop configuration the Spark context will have: for validating inputs before it starts, and for jobs
     * that never start it. One object per run (its first read parses Hadoop's XML defaults, ≈ 25 ms).
     */
    public Configuration hadoopConf(String appName) {
        if (hadoop == null && session != null) {
            hadoop = session.hadoop();
        }
        if (hadoop == null) {
            hadoop = AdjointSpark.hadoopConfiguration(sparkConf(appName));
        }
        return hadoop;
    }

    private Configuration hadoop;

    /** Builds the Spark context; the caller stops it. */
    public JavaSparkContext start(String appName) {
        SparkConf sc = sparkConf(appName);
        checkReachable(sc.get("spark.master"));
        try {
            return new JavaSparkContext(sc);
        } catch (Exception e) { // Spark throws its checked SparkException undeclared, as Scala does
            if (conf.isEmpty() && master == null) {
                throw e;
            }
            // with the user's own settings, a context that does not start is theirs to fix
            throw new InvalidInputException(
                    "Spark did not start with these settings (--master, --conf): "
                            + Main.oneLine(String.valueOf(e.getMessage())),
                    e);
        }
    }

    /**
     * The job's view of Spark ({@link JobContext}); the caller closes it, which stops Spark if it started. On a
     * local master Spark starts only when a job first needs Spark tasks (small jobs run on driver threads and never
     * do, saving its ≈ 1 s start and stop); a cluster master is contacted at once, so a wrong one fails before any
     * work.
     */
    public JobContext context(String appName) {
        PythonSession.Shared shared = session;
        if (shared != null) {
            sparkConf(appName); // refuses --master and --conf
            return shared.context().borrowed();
        }
        SparkConf sc = sparkConf(appName);
        JobContext ctx = JobContext.lazy(sc, hadoopConf(appName), () -> start(appName));
        if (!ctx.isLocal()) {
            ctx.spark();
        }
        return ctx;
    }

    /** Where the job's lines go: stderr at the level --verbose asks ({@link StderrLog}), or nowhere with --quiet. */
    StderrLog log(java.io.PrintWriter err) {
        // a Python session reads the lines (progress bars of its own), never a terminal
        return quiet ? null : new StderrLog(err, verbose, session == null && StderrLog.stderrIsTerminal());
    }
}
