package io.adjoint.driver.block;

import java.io.Serializable;

/** What a task sends back for one finished block: its index, row count and compute time. Small by design. */
public final class BlockReport implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int block;
    public final long rows;
    public final long nanos;
    /** True when the block was found intact from an interrupted run and not recomputed. */
    public final boolean reused;

    public BlockReport(int block, long rows, long nanos) {
        this(block, rows, nanos, false);
    }

    public BlockReport(int block, long rows, long nanos, boolean reused) {
        this.block = block;
        this.rows = rows;
        this.nanos = nanos;
        this.reused = reused;
    }
}
