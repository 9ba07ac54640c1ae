package io.adjoint.driver.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.adjoint.core.linalg.Shape4;
import org.junit.jupiter.api.Test;

/** The gradcheck tile grid, pinned against explicit layouts. */
class TileGridTest {
    @Test
    void smallJacobiansHaveOneEntryPerTile() {
        TileGrid g = TileGrid.of(new Shape4(2, 3, 1, 2), 64); // 6 × 2
        assertEquals(new TileGrid(6, 2, 1, 1), g);
        assertEquals(6, g.rowTiles());
        assertEquals(2, g.colTiles());
        assertEquals(5, g.rowStart(5));
        assertEquals(6, g.rowEnd(5));
    }

    @Test
    void largeJacobiansHaveAtMostGridTilesPerAxisAndShorterLastTiles() {
        // 10 × 7 in at most 4 tiles per axis: tiles of ⌈10/4⌉ = 3 rows and ⌈7/4⌉ = 2 columns
        TileGrid g = TileGrid.of(new Shape4(2, 5, 7, 1), 4);
        assertEquals(new TileGrid(10, 7, 3, 2), g);
        assertEquals(4, g.rowTiles());
        assertEquals(4, g.colTiles());
        long[][] rows = {{0, 3}, {3, 6}, {6, 9}, {9, 10}};
        for (int t = 0; t < 4; t++) {
            assertEquals(rows[t][0], g.rowStart(t));
            assertEquals(rows[t][1], g.rowEnd(t));
        }
        long[][] cols = {{0, 2}, {2, 4}, {4, 6}, {6, 7}};
        for (int t = 0; t < 4; t++) {
            assertEquals(cols[t][0], g.colStart(t));
            assertEquals(cols[t][1], g.colEnd(t));
        }
    }

    @Test
    void theDefaultGridOfABigJacobian() {
        // MLP n = 64: 4096 × 4096 in 64 × 64 tiles of 64
        TileGrid g = TileGrid.of(new Shape4(64, 64, 64, 64), 64);
        assertEquals(64, g.tileRows());
        assertEquals(64, g.rowTiles());
        assertEquals(4096, g.colEnd(63));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(0, 4, 1, 1));
    }
}
