package io.adjoint.driver;

import io.adjoint.driver.spark.AdjointSpark;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One Spark context per test class, on {@link #master()} (local[2] unless overridden), configured the
 * way the CLI configures it (Kryo with registration required). Always stopped, and the active and
 * default sessions cleared, in {@code finally}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SparkTestBase {
    protected JavaSparkContext jsc;

    protected String master() {
        return "local[2]";
    }

    /**
     * {@code spark.adjoint.driverTasks}: "never" here, so these tests run Spark's tasks even for small jobs (the
     * CLI's tests run small jobs on driver threads, its default; DriverTasksTest compares the two).
     */
    protected String driverTasks() {
        return "never";
    }

    @BeforeAll
    void startSpark() {
        SparkConf conf = new SparkConf()
                .setMaster(master())
                .setAppName(getClass().getSimpleName())
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.adjoint.driverTasks", driverTasks());
        jsc = new JavaSparkContext(AdjointSpark.configure(conf));
        jsc.setLogLevel("WARN");
    }

    @AfterAll
    void stopSpark() {
        try {
            if (jsc != null) {
                jsc.stop();
            }
        } finally {
            jsc = null;
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}
