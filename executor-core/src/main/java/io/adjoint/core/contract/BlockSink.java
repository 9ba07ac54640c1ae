package io.adjoint.core.contract;

import java.io.IOException;
import org.ejml.data.DMatrixRMaj;

/** Where a task puts its finished block of result rows. */
public interface BlockSink {
    /** Stores {@code block} as result rows [r0, r0 + block.numRows). Idempotent: a retry writes the same bytes. */
    void write(long r0, DMatrixRMaj block) throws IOException;
}
