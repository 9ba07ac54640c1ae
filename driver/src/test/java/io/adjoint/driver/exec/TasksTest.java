package io.adjoint.driver.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.driver.SparkTestBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * The execution layer runs a step's tasks on driver threads or as Spark tasks with the same results in the same
 * order, reports every item to progress either way, and rethrows a task's failure after cancelling the rest;
 * driver threads share the data itself.
 */
class TasksTest extends SparkTestBase {
    private static final List<Integer> ITEMS = IntStream.range(0, 23).boxed().toList();

    /** Item i of the shared array, times 10, plus the item: independent of where it ran. */
    private static Tasks.Task<long[], Integer, Long> task() {
        return (data, item) -> data[0] * 10 + item;
    }

    private static List<Long> expected() {
        return ITEMS.stream().map(i -> 70L + i).toList();
    }

    @Test
    void driverThreadsAndSparkTasksGiveTheSameResultsInOrder() throws IOException {
        JobContext ctx = JobContext.of(jsc);
        try (Tasks<long[]> tasks = Tasks.sharing(ctx, "test", new long[] {7})) {
            assertEquals(expected(), tasks.map(new Placement(2, "test"), ITEMS, 5, task(), null));
            assertEquals(expected(), tasks.map(Placement.SPARK, ITEMS, 5, task(), null));
            assertEquals(expected(), tasks.map(Placement.SPARK, ITEMS, ITEMS.size(), task(), null));
        }
    }

    @Test
    void aSmallStepOnALocalMasterNeverStartsSpark() throws IOException {
        JobContext lazy = JobContextTest.unstarted(new SparkConf(false).setMaster("local[2]"));
        try (Tasks<long[]> tasks = Tasks.sharing(lazy, "test", new long[] {7})) {
            Placement where = tasks.place(1e6);
            assertTrue(where.inDriver(), "a MFLOP step belongs on driver threads");
            assertEquals(expected(), tasks.map(where, ITEMS, 4, task(), null));
        }
        assertFalse(lazy.started());
    }

    @Test
    void progressCountsEveryItemOnceEitherWay() throws IOException {
        for (Placement where : List.of(new Placement(2, "test"), Placement.SPARK)) {
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Progress progress = Progress.of("test", "rows", ITEMS.size(), i -> 2, lines::add);
            try (Tasks<long[]> tasks = Tasks.sharing(JobContext.of(jsc), "test", new long[] {7})) {
                tasks.map(where, ITEMS, ITEMS.size(), task(), progress);
            }
            assertTrue(
                    lines.get(lines.size() - 1).startsWith("test: 23/23 blocks (100%), 46/46 rows"),
                    where + ": " + lines);
            assertEquals(10, lines.size(), where + ": a line per tenth: " + lines);
        }
    }

    @Test
    void aFailingTaskFailsTheStepEitherWay() throws IOException {
        Tasks.Task<long[], Integer, Long> failing = (data, item) -> {
            if (item == 11) {
                throw new IOException("item 11 is broken");
            }
            return (long) item;
        };
        try (Tasks<long[]> tasks = Tasks.sharing(JobContext.of(jsc), "test", new long[] {7})) {
            IOException onDriver =
                    assertThrows(IOException.class, () -> tasks.map(new Placement(2, "test"), ITEMS, 4, failing, null));
            assertEquals("item 11 is broken", onDriver.getMessage());
            Exception onSpark =
                    assertThrows(Exception.class, () -> tasks.map(Placement.SPARK, ITEMS, 4, failing, null));
            assertTrue(String.valueOf(onSpark.getMessage()).contains("item 11 is broken"), onSpark.toString());
            // the failed step's job group is cleared and cancelled: the next step runs normally
            assertEquals(expected(), tasks.map(Placement.SPARK, ITEMS, 4, task(), null));
        }
        // the failed job's cancellation is asynchronous in Spark's scheduler: it ends within moments, not at once
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (jsc.statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertEquals(0, jsc.statusTracker().getActiveJobIds().length);
    }

    @Test
    void driverThreadsShareTheDataItself() throws IOException {
        long[] data = {7};
        try (Tasks<long[]> tasks = Tasks.sharing(JobContext.of(jsc), "test", data)) {
            tasks.map(new Placement(2, "test"), ITEMS, 4, (d, i) -> d == data ? 1L : 0L, null)
                    .forEach(same -> assertEquals(1L, same, "driver threads share the object itself, uncopied"));
        }
    }

    @Test
    void attemptIsZeroOffSpark() {
        assertEquals(0, Tasks.attempt());
    }
}
