package io.adjoint.driver.gradcheck;

import io.adjoint.core.linalg.Shape4;
import java.io.Serializable;

/**
 * The tiles of a (rows × cols) Jacobian that gradcheck compares and reports on: at most {@code grid} tiles per axis,
 * each {@code tileRows × tileCols} (the last row and column of tiles may be smaller). Tile (tr, tc) covers rows
 * [tr·tileRows, min(rows, (tr+1)·tileRows)) and the same for columns. A pure index formula.
 */
public record TileGrid(long rows, long cols, int tileRows, int tileCols) implements Serializable {
    public TileGrid {
        if (rows < 1 || cols < 1 || tileRows < 1 || tileCols < 1) {
            throw new IllegalArgumentException(
                    "empty grid: " + rows + "×" + cols + " in tiles of " + tileRows + "×" + tileCols);
        }
    }

    /** The grid of at most {@code grid} × {@code grid} tiles over a non-empty Jacobian of this shape. */
    public static TileGrid of(Shape4 shape, int grid) {
        long nr = Math.min(shape.rows(), grid);
        long nc = Math.min(shape.cols(), grid);
        return new TileGrid(
                shape.rows(), shape.cols(), (int) ceilDiv(shape.rows(), nr), (int) ceilDiv(shape.cols(), nc));
    }

    public int rowTiles() {
        return (int) ceilDiv(rows, tileRows);
    }

    public int colTiles() {
        return (int) ceilDiv(cols, tileCols);
    }

    /** First row of row tile {@code tr}. */
    public long rowStart(int tr) {
        return (long) tr * tileRows;
    }

    /** One past the last row of row tile {@code tr}. */
    public long rowEnd(int tr) {
        return Math.min(rows, (long) (tr + 1) * tileRows);
    }

    /** First column of column tile {@code tc}. */
    public long colStart(int tc) {
        return (long) tc * tileCols;
    }

    /** One past the last column of column tile {@code tc}. */
    public long colEnd(int tc) {
        return Math.min(cols, (long) (tc + 1) * tileCols);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
