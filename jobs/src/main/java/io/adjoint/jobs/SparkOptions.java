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

    @Option(names = "--quiet", description = "No plan or progress lines on stderr; errors still go there.")
    public boolean quiet;

    private SparkConf built;

    /**
     * The Spark settings of this run (spark-submit's, spark-defaults', --conf, --master), without starting Spark;
     * the same object {@link #start} uses.
     */
    public SparkConf sparkConf(String appName) {
        if (built != null) {
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
        if (STANDALONE.matcher(m).matches()
                || m.equals("yarn")
                || m.startsWith("k8s://")
                || m.startsWith("local-cluster[")) {
            return;
        }
        throw new InvalidInputException("--master " + m + ": not a Spark master URL (local[*], local[N],"
                + " spark://HOST:PORT, yarn, k8s://https://HOST:PORT)");
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
        } catch (RuntimeException e) {
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
        SparkConf sc = sparkConf(appName);
        JobContext ctx = JobContext.lazy(sc, hadoopConf(appName), () -> start(appName));
        if (!ctx.isLocal()) {
            ctx.spark();
        }
        return ctx;
    }

    /** Where plan and progress lines go: stderr, or nowhere with --quiet. */
    public java.util.function.Consumer<String> log(java.io.PrintWriter err) {
        return quiet ? null : err::println;
    }
}
