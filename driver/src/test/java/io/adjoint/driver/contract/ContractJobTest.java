package io.adjoint.driver.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.testing.TestArrays;
import io.adjoint.driver.SparkTestBase;
import io.adjoint.driver.commit.CommitProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Distributed on local[2] equals the single-JVM naive contraction (relative 1e-12). */
class ContractJobTest extends SparkTestBase {
    @TempDir
    Path dir;

    static double[] read(Path p) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            NpyHeader h = NpyHeader.read(src);
            return NpyReader.readAll(src, h, 2).data;
        }
    }

    static long[] shape(Path p) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            return NpyHeader.read(src).shape();
        }
    }

    ContractJob.Summary run(ContractFixtures f, int rowsPerTask, boolean parts) throws IOException {
        f.request.out = dir.resolve("G.npy").toString();
        f.request.rowsPerTask = rowsPerTask > 0 ? rowsPerTask : null;
        f.request.forcePartsOutput = parts;
        ContractInputs in = ContractInputs.prepare(f.request, jsc.hadoopConfiguration());
        return ContractJob.run(jsc, in, null);
    }

    void assertResult(ContractFixtures f) throws IOException {
        Path g = dir.resolve("G.npy");
        assertArrayEquals(f.resultShape, shape(g));
        double err = TestArrays.relError(read(g), f.expected);
        assertTrue(err < 1e-12, "relative error " + err);
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .collect(Collectors.toList());
        }
        assertEquals(List.of(), names, "no temporaries left");
    }

    @ParameterizedTest(name = "B={0} parts={1}")
    @CsvSource({"4, false", "1, false", "35, false", "1000, false", "0, false", "4, true", "1, true"})
    void onePairEqualsNaive(int rowsPerTask, boolean parts) throws IOException {
        // p·q = 35, not divisible by 4
        ContractFixtures f = new ContractFixtures(dir, 5, null, new long[] {5, 7, 3, 4, 2, 6});
        ContractJob.Summary s = run(f, rowsPerTask, parts);
        assertResult(f);
        assertEquals(parts ? CommitProtocol.Layout.PART_FILES : CommitProtocol.Layout.IN_PLACE, s.layout());
        if (rowsPerTask > 0) {
            assertEquals(Math.min(rowsPerTask, 35), s.blocks().rowsPerBlock());
        }
    }

    /** The streamed plan: asked for, or chosen because J is over the broadcast budget; any layout; several pairs. */
    @ParameterizedTest(name = "B={0} parts={1} forced={2}")
    @CsvSource({"4, false, true", "0, false, false", "7, true, false", "0, true, true"})
    void streamedPlanEqualsNaive(int rowsPerTask, boolean parts, boolean forced) throws IOException {
        ContractFixtures f =
                new ContractFixtures(dir, 8, null, new long[] {5, 7, 3, 4, 2, 6}, new long[] {5, 7, 2, 5, 2, 6});
        if (forced) {
            f.request.plan = ContractPlan.Choice.STREAMED;
        } else {
            f.request.broadcastBudget = 1024; // J: 1,536 + 1,920 bytes
        }
        ContractJob.Summary s = run(f, rowsPerTask, parts);
        assertResult(f);
        assertEquals(ContractPlan.Kind.STREAMED, s.plan());
        if (rowsPerTask == 0) {
            assertEquals(2, s.blocks().count(), "one wave over local[2]'s two slots: J is read twice");
        }
    }

    @Test
    void twoPairsAreSummed() throws IOException {
        ContractFixtures f =
                new ContractFixtures(dir, 6, null, new long[] {3, 4, 2, 5, 3, 3}, new long[] {3, 4, 6, 1, 3, 3});
        run(f, 5, false);
        assertResult(f);
    }

    @Test
    void threePairsWithASparseJacobianAreSummed() throws IOException {
        ContractFixtures f = new ContractFixtures(
                dir,
                7,
                new double[] {0.995, 0, 0},
                new long[] {4, 6, 10, 10, 5, 4},
                new long[] {4, 6, 1, 1, 5, 4},
                new long[] {4, 6, 2, 3, 5, 4});
        ContractJob.Summary s = run(f, 7, false);
        assertTrue(
                s.jacobianKinds().get(0).startsWith("sparse"), s.jacobianKinds().toString());
        assertTrue(
                s.jacobianKinds().get(1).startsWith("dense"), s.jacobianKinds().toString());
        assertResult(f);
    }

    @Test
    void existingDestinationIsRefusedUnlessOverwrite() throws IOException {
        ContractFixtures f = new ContractFixtures(dir, 8, null, new long[] {2, 2, 2, 2, 2, 2});
        Files.writeString(dir.resolve("G.npy"), "old");
        f.request.out = dir.resolve("G.npy").toString();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run(f, 0, false));
        assertTrue(e.getMessage().contains("already exists (pass --overwrite"), e.getMessage());
        assertEquals("old", Files.readString(dir.resolve("G.npy")));
        f.request.overwrite = true;
        run(f, 0, false);
        assertResult(f);
    }

    @Test
    void aFailingJobLeavesNothingBehind() throws IOException {
        ContractFixtures f = new ContractFixtures(dir, 9, null, new long[] {6, 5, 2, 2, 3, 3});
        List<Path> before;
        try (Stream<Path> s = Files.list(dir)) {
            before = s.sorted().collect(Collectors.toList());
        }
        jsc.setLocalProperty("spark.adjoint.test.failAlways", "2");
        try {
            assertThrows(Exception.class, () -> run(f, 4, false));
            assertThrows(Exception.class, () -> run(f, 4, true));
        } finally {
            jsc.setLocalProperty("spark.adjoint.test.failAlways", null);
        }
        List<Path> after;
        try (Stream<Path> s = Files.list(dir)) {
            after = s.sorted().collect(Collectors.toList());
        }
        List<Path> left;
        try (Stream<Path> s = Files.walk(dir)) {
            left = s.sorted().collect(Collectors.toList());
        }
        assertEquals(before, after, "left behind: " + left);
        assertFalse(Files.exists(dir.resolve("G.npy")));
    }
}
