package io.adjoint.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockPlannerTest {
    @Test
    void rowBlocksLayoutIsPinned() {
        RowBlocks b = new RowBlocks(10, 4);
        assertEquals(3, b.count());
        long[][] want = {{0, 4}, {4, 8}, {8, 10}};
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i][0], b.start(i));
            assertEquals(want[i][1], b.end(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> b.start(3));
        assertEquals(0, new RowBlocks(0, 5).count());
        assertEquals(1, new RowBlocks(3, 100).count());
        assertEquals(new RowBlocks(10, 4), b);
        assertEquals(new RowBlocks(10, 4).hashCode(), b.hashCode());
        assertNotEquals(new RowBlocks(10, 5), b);
        assertThrows(IllegalArgumentException.class, () -> new RowBlocks(10, 0));
    }

    @Test
    void aimsAtFourTasksPerSlotWithinMemory() {
        long gib = 1L << 30;
        // 4096 rows, 2 slots → 512 rows per task
        assertEquals(
                512,
                BlockPlanner.plan(
                                BlockPlanner.Need.rows(4096, 1024, 1024).broadcast(8 << 20),
                                new BlockPlanner.Slots(4 * gib, 2, 2))
                        .blocks()
                        .rowsPerBlock());
        // small problems: at least 64 rows, at most all of them — evened out into whole waves: 100 rows on 2 slots
        // are 2 tasks of 50, not 64 and 36
        BlockPlanner.Plan even =
                BlockPlanner.plan(BlockPlanner.Need.rows(100, 10, 10), new BlockPlanner.Slots(4 * gib, 2, 2));
        assertEquals(50, even.blocks().rowsPerBlock());
        assertTrue(even.reason().endsWith("; 64 evened out to 50 for whole waves"), even.reason());
        // 64 rows, at most 18 by memory, 2 slots: 4 tasks of 16 (two full waves), not 18, 18, 18, 10
        long row = 50L << 20; // a row of 8·(adjoint + result columns) bytes ≈ 50 MiB
        BlockPlanner.Plan waves = BlockPlanner.plan(
                BlockPlanner.Need.rows(64, (row / 8) - 1024, 1024), new BlockPlanner.Slots(4 * gib, 2, 2));
        assertEquals(16, waves.blocks().rowsPerBlock(), waves.reason());
        assertEquals(4, waves.blocks().count());
        assertEquals(
                35,
                BlockPlanner.plan(BlockPlanner.Need.rows(35, 10, 10), new BlockPlanner.Slots(4 * gib, 2, 2))
                        .blocks()
                        .rowsPerBlock());
        // wide rows on a small heap: memory wins. 512 MiB heap: (512−300)/2 = 106 MiB, /2 cores − 16 MiB = 37 MiB;
        // a row is 8·(8 + 2^20) bytes ≈ 8 MiB → 4 rows
        BlockPlanner.Plan p = BlockPlanner.plan(
                BlockPlanner.Need.rows(100_000, 8, 1 << 20), new BlockPlanner.Slots(512L << 20, 2, 2));
        assertEquals(4, p.blocks().rowsPerBlock());
        assertTrue(p.reason().contains("by memory"), p.reason());
        // the user's choice is kept, clamped to the row count
        assertEquals(
                7,
                BlockPlanner.plan(
                                BlockPlanner.Need.rows(4096, 1024, 1024).requested(7),
                                new BlockPlanner.Slots(4 * gib, 2, 2))
                        .blocks()
                        .rowsPerBlock());
        assertEquals(
                4096,
                BlockPlanner.plan(
                                BlockPlanner.Need.rows(4096, 1024, 1024).requested(99999),
                                new BlockPlanner.Slots(4 * gib, 2, 2))
                        .blocks()
                        .rowsPerBlock());
    }
}
