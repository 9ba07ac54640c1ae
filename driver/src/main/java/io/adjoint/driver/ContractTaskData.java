package io.adjoint.driver;

import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.NpyHeader;
import java.io.Serializable;

/**
 * Everything a {@code contract} task needs, broadcast once: the Jacobians (dense or sparse), where
 * each adjoint lives and its header, the row blocks, where results go, and the storage settings.
 * Arrays rather than collections keep the Kryo registration short.
 */
public final class ContractTaskData implements Serializable {
    private static final long serialVersionUID = 1L;
    final JacobianOperand[] jacobians;
    final String[] adjointUris;
    final NpyHeader[] adjointHeaders;
    final RowBlocks blocks;
    final ResultOutput output;
    final HadoopConf conf;
    /** Test hook: block whose first attempt fails after writing garbage, or −1. */
    final int failFirstAttemptOf;
    /** Test hook: block whose every attempt fails, or −1. */
    final int failAlways;

    ContractTaskData(JacobianOperand[] jacobians, String[] adjointUris, NpyHeader[] adjointHeaders, RowBlocks blocks,
            ResultOutput output, HadoopConf conf, int failFirstAttemptOf, int failAlways) {
        this.jacobians = jacobians;
        this.adjointUris = adjointUris;
        this.adjointHeaders = adjointHeaders;
        this.blocks = blocks;
        this.output = output;
        this.conf = conf;
        this.failFirstAttemptOf = failFirstAttemptOf;
        this.failAlways = failAlways;
    }
}
