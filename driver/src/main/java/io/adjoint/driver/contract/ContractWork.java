package io.adjoint.driver.contract;

import io.adjoint.core.contract.BlockContraction;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.block.TestHooks;
import io.adjoint.driver.commit.CommitProtocol;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Everything a {@code contract} task needs, broadcast once: the Jacobians (dense or sparse), where each adjoint
 * lives and its header, the row blocks, where results go, and the storage settings. A partition opens each adjoint
 * once; a block reads its rows of every A_t straight from storage and runs {@link BlockContraction} (all math is in
 * executor-core). Arrays rather than collections keep the Kryo registration short.
 */
public final class ContractWork extends BlockWork {
    private static final long serialVersionUID = 1L;
    private final JacobianOperand[] jacobians;
    private final String[] adjointUris;
    private final NpyHeader[] adjointHeaders;

    ContractWork(
            JacobianOperand[] jacobians,
            String[] adjointUris,
            NpyHeader[] adjointHeaders,
            RowBlocks blocks,
            CommitProtocol output,
            HadoopConf conf,
            TestHooks hooks) {
        super(blocks, new CommitProtocol[] {output}, conf, hooks);
        this.jacobians = jacobians;
        this.adjointUris = adjointUris;
        this.adjointHeaders = adjointHeaders;
    }

    @Override
    public Computation open() throws IOException {
        List<ByteSource> sources = new ArrayList<>();
        try {
            for (String uri : adjointUris) {
                sources.add(HadoopByteSource.open(uri, conf().get()));
            }
        } catch (IOException | RuntimeException e) {
            for (ByteSource s : sources) {
                s.close();
            }
            throw e;
        }
        List<NpyHeader> headers = Arrays.asList(adjointHeaders);
        List<JacobianOperand> js = Arrays.asList(jacobians);
        DMatrixRMaj scratch = new DMatrixRMaj(1, 1);
        DMatrixRMaj out = new DMatrixRMaj(1, 1);
        return new Computation() {
            @Override
            public DMatrixRMaj[] compute(long r0, long r1) throws IOException {
                BlockContraction.compute(sources, headers, js, r0, r1, scratch, out);
                return new DMatrixRMaj[] {out};
            }

            @Override
            public void close() throws IOException {
                for (ByteSource s : sources) {
                    s.close();
                }
            }
        };
    }
}
