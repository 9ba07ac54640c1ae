package io.adjoint.driver.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.adjoint.driver.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that fails on its first attempt (after writing garbage to its range) is retried; the file is identical.
 * A listener counts the attempts, so the test fails if the hook never fired or the block was not retried.
 */
class RetryTest extends SparkTestBase {
    @TempDir
    Path dir;

    @Override
    protected String master() {
        return "local[2,3]";
    }

    /** Failed task attempts, and successful attempts that were retries (attempt number above 0). */
    static final class Attempts extends SparkListener {
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger retriedOk = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (!end.taskInfo().successful()) {
                failed.incrementAndGet();
            } else if (end.taskInfo().attemptNumber() > 0) {
                retriedOk.incrementAndGet();
            }
        }
    }

    @Test
    void retriedBlockGivesAnIdenticalFile() throws IOException, java.util.concurrent.TimeoutException {
        for (boolean parts : new boolean[] {false, true}) {
            ContractFixtures f = new ContractFixtures(dir, 12, null, new long[] {9, 4, 3, 3, 4, 5});
            Path clean = dir.resolve("clean.npy");
            Path retried = dir.resolve("retried.npy");
            f.request.rowsPerTask = 5;
            f.request.forcePartsOutput = parts;
            f.request.overwrite = true;
            f.request.out = clean.toString();
            ContractJob.run(jsc, ContractInputs.prepare(f.request, jsc.hadoopConfiguration()), null);
            Attempts attempts = new Attempts();
            jsc.sc().addSparkListener(attempts);
            jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", "3");
            try {
                f.request.out = retried.toString();
                ContractJob.run(jsc, ContractInputs.prepare(f.request, jsc.hadoopConfiguration()), null);
                jsc.sc().listenerBus().waitUntilEmpty(10_000);
            } finally {
                jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", null);
                jsc.sc().removeSparkListener(attempts);
            }
            assertEquals(1, attempts.failed.get(), "block 3's first attempt failed, parts=" + parts);
            assertEquals(1, attempts.retriedOk.get(), "and its second attempt succeeded, parts=" + parts);
            assertArrayEquals(Files.readAllBytes(clean), Files.readAllBytes(retried), "bitwise equal, parts=" + parts);
        }
    }
}
