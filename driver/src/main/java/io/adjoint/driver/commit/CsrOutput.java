package io.adjoint.driver.commit;

import io.adjoint.driver.plan.RowBlocks;

/** A CSR result ({@link CsrResult} in place, {@link CsrPartsResult} as parts): laid out from the final blocks. */
public interface CsrOutput {
    /** Driver, before the broadcast: where each block's entries lie in the archive. */
    void planBlocks(RowBlocks b);
}
