package io.adjoint.driver.plan;

import java.io.Serializable;

/**
 * The partition of result rows [0, rows) into consecutive blocks of {@code rowsPerBlock} (the last
 * may be shorter): block i holds rows [i·B, min(rows, (i+1)·B)). A pure index formula; the driver
 * plans with it and each task recomputes its own range from its block index.
 */
public final class RowBlocks implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long rows;
    private final int rowsPerBlock;

    public RowBlocks(long rows, int rowsPerBlock) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (rowsPerBlock < 1) {
            throw new IllegalArgumentException("rowsPerBlock must be >= 1, got " + rowsPerBlock);
        }
        this.rows = rows;
        this.rowsPerBlock = rowsPerBlock;
        if ((rows + rowsPerBlock - 1) / rowsPerBlock > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows in blocks of " + rowsPerBlock + " is too many blocks");
        }
    }

    public long rows() {
        return rows;
    }

    public int rowsPerBlock() {
        return rowsPerBlock;
    }

    /** ⌈rows / B⌉ (0 when there are no rows). */
    public int count() {
        return (int) ((rows + rowsPerBlock - 1) / rowsPerBlock);
    }

    /** First row of block i. */
    public long start(int i) {
        check(i);
        return (long) i * rowsPerBlock;
    }

    /** One past the last row of block i. */
    public long end(int i) {
        check(i);
        return Math.min(rows, (long) (i + 1) * rowsPerBlock);
    }

    private void check(int i) {
        if (i < 0 || i >= count()) {
            throw new IndexOutOfBoundsException("block " + i + " of " + count());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowBlocks r && r.rows == rows && r.rowsPerBlock == rowsPerBlock;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rows) * 31 + rowsPerBlock;
    }

    @Override
    public String toString() {
        return "RowBlocks(rows=" + rows + ", B=" + rowsPerBlock + ", blocks=" + count() + ")";
    }
}
