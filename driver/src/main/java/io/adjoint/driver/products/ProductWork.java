package io.adjoint.driver.products;

import io.adjoint.core.graph.ForwardSweep;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.driver.block.BlockWork;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * What every {@code vjp} or {@code jvp} task needs, broadcast once: the tape and where the cotangents or tangents
 * are (qualified URIs; a task reads only its block of rows [r0, r1) of them, as {@code contract} reads adjoint
 * rows). A VJP block is one seeded reverse sweep — rows r of the results are ḡ_r·∂out/∂x for each wrt input x; a
 * JVP block is one forward sweep — row r of the result is Σ_x ∂out/∂x·ẋ_r.
 */
public final class ProductWork extends BlockWork {
    private static final long serialVersionUID = 1L;
    private final Tape tape;
    private final boolean vjp;
    /** VJP: node of each wrt input (−1: unused by the expression, zeros) and its size. */
    private final int[] wrtNodes;

    private final int[] wrtSizes;
    /** The product files, by graph node for tangents (VJP: one, keyed −1), with their headers. */
    private final Map<Integer, String> uris;

    private final Map<Integer, NpyHeader> headers;
    /** JVP: the output's size p·q. */
    private final int outSize;

    ProductWork(
            Tape tape,
            boolean vjp,
            int[] wrtNodes,
            int[] wrtSizes,
            Map<Integer, String> uris,
            Map<Integer, NpyHeader> headers,
            Frame frame) {
        super(frame);
        this.tape = tape;
        this.vjp = vjp;
        this.wrtNodes = wrtNodes;
        this.wrtSizes = wrtSizes;
        this.uris = new HashMap<>(uris);
        this.headers = new HashMap<>(headers);
        this.outSize = tape.graph.outputShape().size();
    }

    @Override
    public Computation open() {
        return vjp ? this::vjpBlock : this::jvpBlock;
    }

    private DMatrixRMaj read(int key, long r0, long r1) throws IOException {
        NpyHeader h = headers.get(key);
        try (ByteSource src = HadoopByteSource.open(uris.get(key), conf().get())) {
            return NpyReader.readRows(src, h, ProductInputs.rowDims(h), r0, r1, null);
        }
    }

    /** Rows [r0, r1) of every VJP result: (r1 − r0) × size(x) for each wrt input x. */
    DMatrixRMaj[] vjpBlock(long r0, long r1) throws IOException {
        int[] ids = java.util.Arrays.stream(wrtNodes).filter(w -> w >= 0).toArray();
        DMatrixRMaj[] got =
                ids.length == 0 ? new DMatrixRMaj[0] : ReverseSweep.sweepSeeded(tape, ids, read(-1, r0, r1));
        DMatrixRMaj[] out = new DMatrixRMaj[wrtNodes.length];
        int k = 0;
        for (int i = 0; i < wrtNodes.length; i++) {
            out[i] = wrtNodes[i] >= 0 ? got[k++] : new DMatrixRMaj((int) (r1 - r0), wrtSizes[i]);
        }
        return out;
    }

    /** Rows [r0, r1) of the JVP result: (r1 − r0) × p·q. */
    DMatrixRMaj[] jvpBlock(long r0, long r1) throws IOException {
        Map<Integer, DMatrixRMaj> t = new HashMap<>();
        for (int node : uris.keySet()) {
            t.put(node, read(node, r0, r1));
        }
        int b = (int) (r1 - r0);
        return new DMatrixRMaj[] {t.isEmpty() ? new DMatrixRMaj(b, outSize) : ForwardSweep.jvp(tape, t, b)};
    }
}
