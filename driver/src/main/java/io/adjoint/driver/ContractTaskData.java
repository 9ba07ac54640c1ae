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
    final TestHooks hooks;

    ContractTaskData(JacobianOperand[] jacobians, String[] adjointUris, NpyHeader[] adjointHeaders, RowBlocks blocks,
            ResultOutput output, HadoopConf conf, TestHooks hooks) {
        this.jacobians = jacobians;
        this.adjointUris = adjointUris;
        this.adjointHeaders = adjointHeaders;
        this.blocks = blocks;
        this.output = output;
        this.conf = conf;
        this.hooks = hooks;
    }
}
