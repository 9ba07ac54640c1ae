package io.adjoint.driver.contract;

import io.adjoint.core.contract.BlockContraction;
import io.adjoint.core.contract.StreamedContraction;
import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Everything a {@code contract} task needs, broadcast once: the Jacobians (dense or sparse) in the broadcast plan,
 * or where they live in the streamed plan; where each adjoint lives and its header, the row blocks, where results
 * go, and the storage settings. A partition opens each file once; a block reads its rows of every A_t straight from
 * storage and runs {@link BlockContraction} (broadcast) or {@link StreamedContraction} (streamed: J_t read in row
 * panels); all math is in executor-core. Arrays rather than collections keep the Kryo registration short.
 */
public final class ContractWork extends BlockWork {
    private static final long serialVersionUID = 1L;
    /** The broadcast plan's Jacobians in memory, or null in the streamed plan. */
    private final JacobianOperand[] jacobians;
    /** The streamed plan's Jacobians in storage, or null in the broadcast plan. */
    private final String[] jacobianUris;

    private final NpyHeader[] jacobianHeaders;
    private final long panelBytes;
    private final String[] adjointUris;
    private final NpyHeader[] adjointHeaders;

    /** The broadcast plan: {@code jacobians} travel in the broadcast. */
    ContractWork(JacobianOperand[] jacobians, String[] adjointUris, NpyHeader[] adjointHeaders, Frame frame) {
        this(jacobians, null, null, 0, adjointUris, adjointHeaders, frame);
    }

    /** The streamed plan: each block reads every J_t from storage in row panels of at most {@code panelBytes}. */
    ContractWork(
            String[] jacobianUris,
            NpyHeader[] jacobianHeaders,
            long panelBytes,
            String[] adjointUris,
            NpyHeader[] adjointHeaders,
            Frame frame) {
        this(null, jacobianUris, jacobianHeaders, panelBytes, adjointUris, adjointHeaders, frame);
    }

    private ContractWork(
            JacobianOperand[] jacobians,
            String[] jacobianUris,
            NpyHeader[] jacobianHeaders,
            long panelBytes,
            String[] adjointUris,
            NpyHeader[] adjointHeaders,
            Frame frame) {
        super(frame);
        this.jacobians = jacobians;
        this.jacobianUris = jacobianUris;
        this.jacobianHeaders = jacobianHeaders;
        this.panelBytes = panelBytes;
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
            if (jacobianUris != null) {
                for (String uri : jacobianUris) {
                    sources.add(HadoopByteSource.open(uri, conf().get()));
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(sources);
            throw e;
        }
        int t = adjointUris.length;
        List<ByteSource> adjoints = sources.subList(0, t);
        List<NpyHeader> headers = Arrays.asList(adjointHeaders);
        DMatrixRMaj scratch = new DMatrixRMaj(1, 1);
        DMatrixRMaj out = new DMatrixRMaj(1, 1);
        StreamedContraction.Operands streamed = jacobians != null
                ? null
                : new StreamedContraction.Operands(
                        adjoints, headers, sources.subList(t, 2 * t), Arrays.asList(jacobianHeaders), panelBytes);
        return new Computation() {
            @Override
            public DMatrixRMaj[] compute(long r0, long r1) throws IOException {
                if (jacobians != null) {
                    BlockContraction.compute(adjoints, headers, Arrays.asList(jacobians), r0, r1, scratch, out);
                } else {
                    StreamedContraction.compute(streamed, r0, r1, out);
                }
                return new DMatrixRMaj[] {out};
            }

            @Override
            public void close() throws IOException {
                closeAll(sources);
            }
        };
    }

    private static void closeAll(List<ByteSource> sources) throws IOException {
        for (ByteSource s : sources) {
            s.close();
        }
    }
}
