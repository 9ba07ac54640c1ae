package io.adjoint.core.contract;

import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import java.io.IOException;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The task body of {@code contract}'s streamed plan, for Jacobians too large to broadcast: one block of result
 * rows, with every J_t read from storage in row panels rather than held in memory.
 *
 * <pre>
 *   G[r0:r1, :] = Σ_t Σ_panels A_t[r0:r1, a0:a1] · J_t[a0:a1, :]
 *   shapes:       B×(k·l)        B×w                w×(k·l),   w = a1 − a0 (panel rows of J_t, n_t·m_t in all)
 * </pre>
 *
 * <p>A row panel of J_t is a contiguous byte range of a C-order file, so J_t is one sequential pass per block on
 * any storage (HDFS, object stores; no seeks); a Fortran-order J_t is streamed whole once per panel
 * ({@link #bytesRead}). The sum over panels runs inside the task — the task holds its whole
 * output block — so no partial product is ever shuffled. Cost per block: reads B·n_t·m_t doubles of A_t and all of
 * J_t; 2·B·n_t·m_t·k·l flops in {@code dgemm}s of (B × w)(w × k·l), each on A's column panel in place. Memory:
 * B·max(n_t·m_t) + B·k·l + w·k·l doubles.
 */
public final class StreamedContraction {
    private StreamedContraction() {}

    /**
     * Bytes of J's file one block reads: the file once when its rows are contiguous (C order); a Fortran-order J is
     * read whole once per panel ({@link NpyReader#readRows} streams it to gather a panel's rows).
     */
    public static long bytesRead(NpyHeader j, long panelBytes) {
        long file = j.elementCount() * j.dtype().itemSize();
        if (NpyReader.rowsContiguous(j)) {
            return file;
        }
        long n = NpyReader.rows(j, 2);
        long w = panelRows(n, NpyReader.cols(j, 2), panelBytes);
        return file * ((n + w - 1) / w);
    }

    /** Panel rows w for J_t with {@code cols} columns: panels of at most {@code panelBytes}, at least one row. */
    public static int panelRows(long jacobianRows, long cols, long panelBytes) {
        long w = panelBytes / Math.max(1, 8 * cols);
        return (int) Math.max(1, Math.min(jacobianRows, Math.min(w, Integer.MAX_VALUE - 8)));
    }

    /**
     * The operands of a streamed contraction: one open source per pair for A_t and for J_t, each with its validated
     * header (A 4-D with rows p·q; J 4-D with rows n_t·m_t and cols k·l), and the most bytes of one panel of J rows
     * held at a time.
     */
    public record Operands(
            List<ByteSource> adjoints,
            List<NpyHeader> adjointHeaders,
            List<ByteSource> jacobians,
            List<NpyHeader> jacobianHeaders,
            long panelBytes) {}

    /**
     * Computes result rows [r0, r1) of Σ_t A_t · J_t.
     *
     * @param out declared when null, reshaped otherwise; returned
     */
    public static DMatrixRMaj compute(Operands ops, long r0, long r1, DMatrixRMaj out) throws IOException {
        List<ByteSource> adjoints = ops.adjoints();
        List<NpyHeader> adjointHeaders = ops.adjointHeaders();
        List<ByteSource> jacobians = ops.jacobians();
        List<NpyHeader> jacobianHeaders = ops.jacobianHeaders();
        long panelBytes = ops.panelBytes();
        int pairs = adjoints.size();
        if (pairs == 0
                || jacobians.size() != pairs
                || adjointHeaders.size() != pairs
                || jacobianHeaders.size() != pairs) {
            throw new IllegalArgumentException("need the same positive number of adjoints, Jacobians and headers");
        }
        int rows = Math.toIntExact(r1 - r0);
        int cols = Math.toIntExact(NpyReader.cols(jacobianHeaders.get(0), 2));
        if (out == null) {
            out = new DMatrixRMaj(rows, cols);
        } else {
            out.reshape(rows, cols);
        }
        out.zero();
        DMatrixRMaj a = new DMatrixRMaj(1, 1);
        DMatrixRMaj jPanel = new DMatrixRMaj(1, 1);
        for (int t = 0; t < pairs; t++) {
            NpyHeader jh = jacobianHeaders.get(t);
            long n = NpyReader.rows(jh, 2);
            if (NpyReader.cols(jh, 2) != cols) {
                throw new IllegalArgumentException(
                        "Jacobian " + t + " has " + NpyReader.cols(jh, 2) + " columns, expected " + cols);
            }
            NpyReader.readRows(adjoints.get(t), adjointHeaders.get(t), 2, r0, r1, a);
            int w = panelRows(n, cols, panelBytes);
            for (long a0 = 0; a0 < n; a0 += w) {
                int a1 = (int) Math.min(n, a0 + w);
                NpyReader.readRows(jacobians.get(t), jh, 2, a0, a1, jPanel);
                Gemm.multAddColumns(1.0, a, (int) a0, a1, jPanel, out); // A's column panel in place
            }
        }
        return out;
    }
}
