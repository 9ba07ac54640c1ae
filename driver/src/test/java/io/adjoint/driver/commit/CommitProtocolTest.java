package io.adjoint.driver.commit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commit protocol without Spark: what commit leaves (exactly the result, bytes as a one-shot write would give
 * them), what abort deletes (only this job's temporaries), what uncommit deletes (only the result), and the resume
 * journal's verdicts on intact, overwritten and damaged blocks.
 */
class CommitProtocolTest {
    static final long[] SHAPE = {2, 3, 2, 2};
    final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    /** Rows [r0, r1) of the 6 × 4 test result: entry (r, c) = 10·r + c. */
    static DMatrixRMaj rows(int r0, int r1) {
        DMatrixRMaj m = new DMatrixRMaj(r1 - r0, 4);
        for (int r = r0; r < r1; r++) {
            for (int c = 0; c < 4; c++) {
                m.set(r - r0, c, 10 * r + c);
            }
        }
        return m;
    }

    static byte[] expectedFile() throws IOException {
        Path p = Files.createTempFile("expected", ".npy");
        try {
            NpyWriter.write(p, SHAPE, rows(0, 6).data);
            return Files.readAllBytes(p);
        } finally {
            Files.delete(p);
        }
    }

    Set<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Runs blocks of 4 rows (two blocks: 4 and 2 rows) through the protocol, as tasks would. */
    static void writeBlocks(CommitProtocol out, Configuration conf) throws IOException {
        out.setupJob(conf, 4);
        int[][] blocks = {{0, 4}, {4, 6}};
        for (int b = 0; b < blocks.length; b++) {
            DMatrixRMaj m = rows(blocks[b][0], blocks[b][1]);
            out.sink(conf, b).write(blocks[b][0], m);
            out.commitBlock(conf, b, m);
        }
    }

    @ParameterizedTest(name = "forceParts={0}")
    @ValueSource(booleans = {false, true})
    void commitLeavesExactlyTheResult(boolean parts) throws IOException {
        Files.writeString(dir.resolve("user.txt"), "not ours");
        CommitProtocol out = CommitProtocol.forDestination(dir.resolve("G.npy").toString(), SHAPE, false, parts, conf);
        assertEquals(parts ? CommitProtocol.Layout.PART_FILES : CommitProtocol.Layout.IN_PLACE, out.layout());
        writeBlocks(out, conf);
        assertFalse(Files.exists(dir.resolve("G.npy")), "nothing under the final name before commit");
        out.commitJob(conf, 2);
        assertArrayEquals(expectedFile(), Files.readAllBytes(dir.resolve("G.npy")));
        assertEquals(Set.of("G.npy", "user.txt"), listing(), "no temporaries left");
    }

    @ParameterizedTest(name = "forceParts={0}")
    @ValueSource(booleans = {false, true})
    void abortDeletesOnlyThisJobsTemporaries(boolean parts) throws IOException {
        Files.writeString(dir.resolve("user.txt"), "not ours");
        Files.write(dir.resolve("G.npy"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("W.npy"), new byte[] {4, 5});
        CommitProtocol out = CommitProtocol.forDestination(dir.resolve("G.npy").toString(), SHAPE, true, parts, conf);
        writeBlocks(out, conf);
        assertTrue(listing().size() > 3, "temporaries exist: " + listing());
        out.abortJob(conf);
        assertEquals(Set.of("G.npy", "W.npy", "user.txt"), listing());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("G.npy")), "the old result is kept");
        out.abortJob(conf); // twice is harmless
        assertEquals(Set.of("G.npy", "W.npy", "user.txt"), listing());
    }

    @Test
    void uncommitRemovesOnlyTheCommittedResult() throws IOException {
        Files.writeString(dir.resolve("user.txt"), "not ours");
        CommitProtocol out = CommitProtocol.forDestination(dir.resolve("G.npy").toString(), SHAPE, false, false, conf);
        writeBlocks(out, conf);
        out.commitJob(conf, 2);
        out.uncommitJob(conf);
        assertEquals(Set.of("user.txt"), listing());
    }

    @Test
    void destinationChecksRefuseBeforeAnyWork() throws IOException {
        Files.write(dir.resolve("G.npy"), new byte[] {1});
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> CommitProtocol.forDestination(dir.resolve("G.npy").toString(), SHAPE, false, false, conf));
        assertTrue(e.getMessage().contains("already exists (pass --overwrite"), e.getMessage());
        e = assertThrows(
                InvalidInputException.class,
                () -> CommitProtocol.forDestination(
                        dir.resolve("nope").resolve("G.npy").toString(), SHAPE, true, false, conf));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(Set.of("G.npy"), listing());
    }

    @Test
    void resumeReusesIntactBlocksAndRecomputesOverwrittenOrDamagedOnes() throws IOException {
        Fingerprint fp =
                new Fingerprint("0123456789abcdef", new TreeMap<>(Map.of("input X", "crc32c 1, 8 bytes", "expr", "X")));
        String dest = dir.resolve("G.npy").toString();
        CommitProtocol first = CommitProtocol.forDestination(dest, SHAPE, false, false, conf, fp, false);
        writeBlocks(first, conf); // the "killed" run: blocks written and recorded, never committed

        CommitProtocol again = CommitProtocol.forDestination(dest, SHAPE, false, false, conf, fp, true);
        assertTrue(again.resuming());
        assertEquals(4, again.resumedRowsPerBlock());
        assertTrue(again.isIntact(conf, 0, 0, 4));
        assertTrue(again.isIntact(conf, 1, 4, 2));
        assertFalse(again.isIntact(conf, 1, 4, 3), "another row count is not the recorded block");

        // block 0's bytes changed after it was recorded: recompute it
        Path tmp = Files.list(dir)
                .filter(p -> p.getFileName().toString().endsWith(".tmp"))
                .findFirst()
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(tmp);
        int header = NpyWriter.header(SHAPE).length;
        ByteBuffer.wrap(bytes, header, 8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-1.0);
        Files.write(tmp, bytes);
        assertFalse(again.isIntact(conf, 0, 0, 4));

        // block 1's journal entry is damaged: recompute it, without failing
        Path journal = Files.list(dir)
                .filter(p -> p.getFileName().toString().endsWith(".blocks"))
                .findFirst()
                .orElseThrow();
        Files.writeString(journal.resolve("block-00000001"), "zz not-a-number\n");
        assertFalse(again.isIntact(conf, 1, 4, 2));
        // an entry that is a folder is damaged too: recompute, then record over it (it was exit 3, "Is a directory")
        Files.delete(journal.resolve("block-00000001"));
        Files.createDirectories(journal.resolve("block-00000001").resolve("inside"));
        assertFalse(again.isIntact(conf, 1, 4, 2));
        again.commitBlock(conf, 1, rows(4, 6));
        assertTrue(Files.isRegularFile(journal.resolve("block-00000001")), "recorded over the folder");

        // another run's leftovers are refused with both descriptions
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> CommitProtocol.forDestination(
                        dest,
                        SHAPE,
                        false,
                        false,
                        conf,
                        new Fingerprint(
                                "fedcba9876543210", new TreeMap<>(Map.of("input X", "crc32c 2, 8 bytes", "expr", "X"))),
                        true));
        assertTrue(
                e.getMessage().endsWith("differs: input X (content changed); run without --resume to start over"),
                e.getMessage());

        // without resume, leftovers are removed
        CommitProtocol fresh = CommitProtocol.forDestination(dest, SHAPE, false, false, conf, fp, false);
        assertFalse(fresh.resuming());
        assertEquals(Set.of(), listing());
    }

    /**
     * A resume writes the result's frame again: a damaged .npy header in the interrupted run's temporary (another
     * shape, a flipped magic byte) is not in any block's checksum, so it must not reach the committed file.
     */
    @Test
    void resumeRewritesADamagedHeader() throws IOException {
        Fingerprint fp =
                new Fingerprint("0123456789abcdef", new TreeMap<>(Map.of("input X", "crc32c 1, 8 bytes", "expr", "X")));
        String dest = dir.resolve("G.npy").toString();
        writeBlocks(CommitProtocol.forDestination(dest, SHAPE, false, false, conf, fp, false), conf); // "killed"
        Path tmp = Files.list(dir)
                .filter(p -> p.getFileName().toString().endsWith(".tmp"))
                .findFirst()
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(tmp);
        String head =
                new String(bytes, 0, NpyWriter.header(SHAPE).length, java.nio.charset.StandardCharsets.ISO_8859_1);
        String shape = java.util.Arrays.toString(SHAPE).replace('[', '(').replace(']', ')');
        assertTrue(head.contains(shape), head);
        byte[] other =
                head.replace(shape, shape.replace("3", "1")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(other, 0, bytes, 0, other.length);
        bytes[1] = 'X'; // the magic \x93NUMPY
        Files.write(tmp, bytes);

        CommitProtocol again = CommitProtocol.forDestination(dest, SHAPE, false, false, conf, fp, true);
        assertTrue(again.resuming());
        again.setupJob(conf, 4);
        assertTrue(again.isIntact(conf, 0, 0, 4) && again.isIntact(conf, 1, 4, 2), "the blocks themselves are intact");
        again.commitJob(conf, 2);
        assertArrayEquals(expectedFile(), Files.readAllBytes(Path.of(dest)), "header rewritten, data kept");
    }

    /** The part-file layout resumes too: each part's name records its CRC32C; the folder's manifest its blocks. */
    @Test
    void partFilesResumeReusingIntactPartsAndRefuseAnotherRun() throws IOException {
        Fingerprint fp = new Fingerprint("0123456789abcdef", new TreeMap<>(Map.of("expr", "X")));
        String dest = dir.resolve("G.npy").toString();
        writeBlocks(CommitProtocol.forDestination(dest, SHAPE, false, true, conf, fp, false), conf);

        CommitProtocol again = CommitProtocol.forDestination(dest, SHAPE, false, true, conf, fp, true);
        assertTrue(again.resuming());
        assertEquals(4, again.resumedRowsPerBlock());
        assertTrue(again.isIntact(conf, 0, 0, 4));
        assertTrue(again.isIntact(conf, 1, 4, 2));
        assertFalse(again.isIntact(conf, 1, 4, 3), "another row count is not the written part");
        Path parts = Files.list(dir)
                .filter(p -> p.getFileName().toString().endsWith(".parts"))
                .findFirst()
                .orElseThrow();
        Path part0 = Files.list(parts)
                .filter(p -> p.getFileName().toString().startsWith("part-00000000-"))
                .findFirst()
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(part0);
        bytes[3] ^= 1;
        Files.write(part0, bytes);
        assertFalse(again.isIntact(conf, 0, 0, 4), "a part whose bytes no longer match its CRC");
        again.setupJob(conf, 4); // keeps the folder
        again.sink(conf, 0).write(0, rows(0, 4)); // the recomputed block replaces the damaged part
        assertTrue(again.isIntact(conf, 0, 0, 4));
        again.commitJob(conf, 2);
        assertArrayEquals(expectedFile(), Files.readAllBytes(dir.resolve("G.npy")));
        assertEquals(Set.of("G.npy"), listing());

        writeBlocks(CommitProtocol.forDestination(dest, SHAPE, true, true, conf, fp, false), conf);
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> CommitProtocol.forDestination(
                        dest,
                        SHAPE,
                        true,
                        true,
                        conf,
                        new Fingerprint("fedcba9876543210", new TreeMap<>(Map.of("expr", "Y"))),
                        true));
        assertTrue(e.getMessage().contains("differs: expr"), e.getMessage());
    }
}
