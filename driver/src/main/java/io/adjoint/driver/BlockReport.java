package io.adjoint.driver;

import java.io.Serializable;

/** What a task sends back for one finished block: its index, row count and compute time. Small by design. */
public final class BlockReport implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int block;
    public final long rows;
    public final long nanos;

    public BlockReport(int block, long rows, long nanos) {
        this.block = block;
        this.rows = rows;
        this.nanos = nanos;
    }
}
