package io.adjoint.driver.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim on a destination on the local file system: of claimants racing for the same marker exactly one wins
 * (create-if-absent must be one atomic step, not "exists?" then "create"), the marker names its owner, and a release
 * leaves nothing behind — no checksum side file either.
 */
class DestinationLockTest {
    final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path dir;

    @Test
    void ofClaimantsRacingExactlyOneWins() throws Exception {
        int threads = 8;
        int rounds = 300;
        Path marker = new Path(dir.toUri().toString(), "marker");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<DestinationLock>> tries = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    tries.add(pool.submit(() -> {
                        start.await();
                        try {
                            return DestinationLock.acquire("--out D", marker, conf);
                        } catch (InvalidInputException refused) {
                            return null;
                        }
                    }));
                }
                List<DestinationLock> won = new ArrayList<>();
                for (Future<DestinationLock> f : tries) {
                    DestinationLock l = f.get();
                    if (l != null) {
                        won.add(l);
                    }
                }
                won.forEach(DestinationLock::close);
                assertEquals(1, won.size(), "claims won in round " + round);
                assertFalse(Files.exists(dir.resolve("marker")), "released");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHeldClaimIsRefusedWithItsOwnerAndReleasedWithoutTrace() throws Exception {
        Path marker = new Path(dir.toUri().toString(), "marker");
        try (DestinationLock held = DestinationLock.acquire("--out D", marker, conf)) {
            String content = Files.readString(dir.resolve("marker"));
            assertTrue(content.startsWith(ProcessHandle.current().pid() + " "), content);
            InvalidInputException e =
                    assertThrows(InvalidInputException.class, () -> DestinationLock.acquire("--out D", marker, conf));
            assertTrue(
                    e.getMessage()
                            .startsWith("--out D: another run (process "
                                    + ProcessHandle.current().pid()),
                    e.getMessage());
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "nothing left after the release");
        }
    }
}
