package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.AdjointSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/** Options every Spark-running command shares. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: the one spark-submit gives, else local[*] (embedded Spark, "
                    + "loopback only, no web UI).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Extra Spark setting, repeatable (e.g. --conf spark.ui.enabled=true).")
    List<String> conf = new ArrayList<>();

    @Option(names = "--quiet", description = "No plan or progress lines on stderr; errors still go there.")
    boolean quiet;

    /** Builds the Spark context; the caller stops it. */
    JavaSparkContext start(String appName) {
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
        return new JavaSparkContext(AdjointSpark.configure(sc));
    }
}
