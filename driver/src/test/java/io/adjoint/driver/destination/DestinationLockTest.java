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

    /**
     * A disk that fills between creating the marker and writing it: the claim fails with the real cause and removes
     * its empty marker (it was reported as "another run is writing to it", and the marker refused every later run).
     */
    @Test
    void aClaimThatCannotBeWrittenSaysWhyAndLeavesNoMarker() throws Exception {
        org.apache.hadoop.fs.RawLocalFileSystem raw = new org.apache.hadoop.fs.RawLocalFileSystem();
        org.apache.hadoop.fs.FileSystem full = new org.apache.hadoop.fs.FilterFileSystem(raw) {
            @Override
            public org.apache.hadoop.fs.FSDataOutputStream create(Path f, boolean overwrite)
                    throws java.io.IOException {
                super.create(f, overwrite).close(); // the file exists, as after open(O_CREAT|O_EXCL)
                return new org.apache.hadoop.fs.FSDataOutputStream(
                        new java.io.OutputStream() {
                            @Override
                            public void write(int b) throws java.io.IOException {
                                throw new java.io.IOException("No space left on device");
                            }
                        },
                        null);
            }
        };
        full.initialize(java.net.URI.create("file:///"), new Configuration());
        Path marker = new Path(dir.toUri().toString(), ".adjoint-lock");
        java.io.IOException e =
                assertThrows(java.io.IOException.class, () -> DestinationLock.acquire("--out " + dir, marker, full));
        assertTrue(e.getMessage().endsWith(": No space left on device"), e.getMessage());
        assertFalse(e instanceof java.nio.file.FileAlreadyExistsException);
        assertFalse(Files.exists(dir.resolve(".adjoint-lock")), "no marker left behind");
        // space again: the next run claims it
        DestinationLock.acquire("--out " + dir, marker, new Configuration()).close();
    }

    /** An empty marker (a claim that died before writing who it is) is taken over once it is old, not before. */
    @Test
    void anOldEmptyMarkerIsAbandonedAFreshOneIsNot() throws Exception {
        java.nio.file.Path m = Files.createFile(dir.resolve(".adjoint-lock"));
        Path marker = new Path(dir.toUri().toString(), ".adjoint-lock");
        assertThrows(
                InvalidInputException.class,
                () -> DestinationLock.acquire("--out " + dir, marker, new Configuration()));
        Files.setLastModifiedTime(
                m,
                java.nio.file.attribute.FileTime.fromMillis(
                        System.currentTimeMillis() - 2 * DestinationLock.ABANDONED_MILLIS));
        DestinationLock lock = DestinationLock.acquire("--out " + dir, marker, new Configuration());
        assertFalse(Files.readString(m).isEmpty(), "this run's marker now");
        lock.close();
        assertFalse(Files.exists(m));
    }

    /** A folder where the marker goes is a usage error naming it (it was exit 3, "Is a directory"). */
    @Test
    void aFolderWhereTheMarkerGoesIsNamed() throws Exception {
        Files.createDirectory(dir.resolve(".adjoint-lock"));
        Path marker = new Path(dir.toUri().toString(), ".adjoint-lock");
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> DestinationLock.acquire("--out " + dir, marker, conf));
        assertTrue(
                e.getMessage().endsWith(".adjoint-lock is a folder where this run's claim marker goes; remove it"),
                e.getMessage());
    }
}
