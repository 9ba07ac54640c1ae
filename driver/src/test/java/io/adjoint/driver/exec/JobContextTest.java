package io.adjoint.driver.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A job context before Spark starts answers what planning asks — local or not, task slots, settings — from the
 * settings alone, as the started context would (Spark's local scheduler: {@code spark.default.parallelism}, else
 * the master's thread count), without starting Spark.
 */
class JobContextTest {
    static JobContext unstarted(SparkConf conf) {
        return JobContext.lazy(conf, new Configuration(false), () -> {
            throw new AssertionError("Spark was started");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"local, 1", "local[3], 3", "'local[2, 4]', 2", "local[*], -1"})
    void localMastersSlotsWithoutStartingSpark(String master, int slots) {
        JobContext ctx = unstarted(new SparkConf(false).setMaster(master));
        assertTrue(ctx.isLocal(), master);
        int want = slots > 0 ? slots : Runtime.getRuntime().availableProcessors();
        assertEquals(want, ctx.defaultParallelism(), master);
        assertFalse(ctx.started());
        ctx.close(); // nothing to stop, nothing started
    }

    @Test
    void defaultParallelismSettingWinsAsInSpark() {
        JobContext ctx = unstarted(new SparkConf(false).setMaster("local[2]").set("spark.default.parallelism", "7"));
        assertEquals(7, ctx.defaultParallelism());
    }

    @Test
    void clusterMastersAreNotLocalAndSettingsComeFromTheConf() {
        JobContext ctx = unstarted(
                new SparkConf(false).setMaster("spark://127.0.0.1:7077").set("spark.adjoint.driverTasks", "never"));
        assertFalse(ctx.isLocal());
        assertEquals("never", ctx.setting("spark.adjoint.driverTasks", "auto"));
        assertEquals("auto", ctx.setting("spark.adjoint.absent", "auto"));
        assertFalse(ctx.started());
    }
}
