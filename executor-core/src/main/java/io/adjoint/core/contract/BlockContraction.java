package io.adjoint.core.contract;

import io.adjoint.core.linalg.JacobianOperand;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import java.io.IOException;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The task body of {@code contract}: one block of result rows.
 *
 * <pre>
 *   G[r0:r1, :] = Σ_t A_t[r0:r1, :] · J_t        A_t: (p·q)×(n_t·m_t), J_t: (n_t·m_t)×(k·l)
 *   shapes:      B×(k·l)   B×(n_t·m_t)  (n_t·m_t)×(k·l),   B = r1 − r0
 * </pre>
 *
 * <p>Reads only rows [r0, r1) of each A_t (see {@link NpyReader#readRows} for the cost) and multiplies each
 * against J_t with β = 0 for the first pair and β = 1 after (one {@code dgemm} per pair). Memory:
 * B·max_t(n_t·m_t) + B·k·l doubles.
 */
public final class BlockContraction {
    private BlockContraction() {}

    /**
     * Computes result rows [r0, r1).
     *
     * @param adjoints one open source per pair, with its validated header (4-D, rows = p·q)
     * @param jacobians one operand per pair
     * @param scratch reused for the adjoint block; may be null
     * @param out declared when null, reshaped otherwise; returned
     */
    public static DMatrixRMaj compute(
            List<ByteSource> adjoints,
            List<NpyHeader> headers,
            List<JacobianOperand> jacobians,
            long r0,
            long r1,
            DMatrixRMaj scratch,
            DMatrixRMaj out)
            throws IOException {
        if (adjoints.size() != jacobians.size() || adjoints.size() != headers.size() || adjoints.isEmpty()) {
            throw new IllegalArgumentException("need the same positive number of adjoints, headers and Jacobians");
        }
        int rows = Math.toIntExact(r1 - r0);
        int cols = jacobians.get(0).cols();
        if (out == null) {
            out = new DMatrixRMaj(rows, cols);
        } else {
            out.reshape(rows, cols);
        }
        if (scratch == null) {
            scratch = new DMatrixRMaj(1, 1);
        }
        for (int t = 0; t < adjoints.size(); t++) {
            JacobianOperand j = jacobians.get(t);
            if (j.cols() != cols) {
                throw new IllegalArgumentException("Jacobian " + t + " has " + j.cols() + " columns, expected " + cols);
            }
            NpyReader.readRows(adjoints.get(t), headers.get(t), 2, r0, r1, scratch);
            j.multiply(scratch, t == 0 ? 0.0 : 1.0, out);
        }
        return out;
    }
}
