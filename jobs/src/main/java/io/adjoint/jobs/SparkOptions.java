package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.AdjointSpark;
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
                    + "loopback only, no web UI).")
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
        built = AdjointSpark.configure(sc);
        return built;
    }

    /** The Hadoop configuration the Spark context will have: for validating inputs before it starts. */
    public Configuration hadoopConf(String appName) {
        return AdjointSpark.hadoopConfiguration(sparkConf(appName));
    }

    /** Builds the Spark context; the caller stops it. */
    public JavaSparkContext start(String appName) {
        return new JavaSparkContext(sparkConf(appName));
    }

    /** Where plan and progress lines go: stderr, or nowhere with --quiet. */
    public java.util.function.Consumer<String> log(java.io.PrintWriter err) {
        return quiet ? null : err::println;
    }
}
