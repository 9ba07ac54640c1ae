package io.adjoint.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task that fails on its first attempt (after writing garbage to its range) is retried; the file is identical. */
class RetryTest extends SparkTestBase {
    @TempDir
    Path dir;

    @Override
    protected String master() {
        return "local[2,3]";
    }

    @Test
    void retriedBlockGivesAnIdenticalFile() throws IOException {
        for (boolean parts : new boolean[] {false, true}) {
            ContractFixtures f = new ContractFixtures(dir, 12, null, new long[] {9, 4, 3, 3, 4, 5});
            Path clean = dir.resolve("clean.npy");
            Path retried = dir.resolve("retried.npy");
            f.request.rowsPerTask = 5;
            f.request.forcePartsOutput = parts;
            f.request.overwrite = true;
            f.request.out = clean.toString();
            ContractJob.run(jsc, ContractInputs.prepare(f.request, jsc.hadoopConfiguration()), null);
            jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", "3");
            try {
                f.request.out = retried.toString();
                ContractJob.run(jsc, ContractInputs.prepare(f.request, jsc.hadoopConfiguration()), null);
            } finally {
                jsc.setLocalProperty("spark.adjoint.test.failFirstAttempt", null);
            }
            assertArrayEquals(Files.readAllBytes(clean), Files.readAllBytes(retried), "bitwise equal, parts=" + parts);
        }
    }
}
