package io.adjoint.core.contract;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import java.util.List;

/**
 * Shape rules of the contraction G[i,j,r,s] = Σ_t Σ_{a,b} A_t[i,j,a,b]·J_t[a,b,r,s]: every A_t is
 * 4-D (p,q,n_t,m_t), every J_t is 4-D (n_t,m_t,k,l), and all pairs produce the same (p,q,k,l).
 * Checked before any work is done; errors name the files and print every shape involved.
 */
public final class ContractionShapes {
    private ContractionShapes() {}

    /** The shape of an array used as a 4-D operand, or a refusal naming the file and its rank. */
    public static Shape4 require4d(String role, String name, NpyHeader h) {
        if (h.rank() != 4) {
            throw new InvalidInputException(name + ": " + role + " must be a 4-D array, got "
                    + h.rank() + "-D shape " + h.shapeString()
                    + (h.rank() == 2 ? " (reshape a flattened matrix to 4-D, e.g. (p, q, n, m))" : ""));
        }
        return Shape4.of(h.shape());
    }

    /**
     * Returns (p, q, k, l) for the pairs, or throws naming the pair, the files and their shapes. The lists pair by
     * index and must have the same, non-zero length.
     *
     * @param adjointNames names of the A_t, for messages
     * @param jacobianNames names of the J_t, for messages
     */
    public static Shape4 resultShape(
            List<String> adjointNames, List<Shape4> adjoints, List<String> jacobianNames, List<Shape4> jacobians) {
        if (adjoints.size() != jacobians.size() || adjoints.isEmpty()) {
            throw new IllegalArgumentException("need as many adjoints as Jacobians, at least one: got "
                    + adjoints.size() + " and " + jacobians.size());
        }
        Shape4 result = null;
        for (int t = 0; t < adjoints.size(); t++) {
            Shape4 a = adjoints.get(t);
            Shape4 j = jacobians.get(t);
            String pair = adjoints.size() > 1 ? "pair " + (t + 1) + ": " : "";
            if (a.dim(2) != j.dim(0) || a.dim(3) != j.dim(1)) {
                throw new InvalidInputException(pair + adjointNames.get(t) + " is " + a + ", "
                        + jacobianNames.get(t) + " is " + j + ": contracted axes differ (adjoint's last two "
                        + a.colAxes() + " vs Jacobian's first two " + j.rowAxes() + ")");
            }
            Shape4 g = new Shape4(a.dim(0), a.dim(1), j.dim(2), j.dim(3));
            if (result == null) {
                result = g;
            } else if (!result.equals(g)) {
                throw new InvalidInputException(pair + adjointNames.get(t) + " " + a + " with "
                        + jacobianNames.get(t) + " " + j + " gives a result of shape " + g
                        + ", but pair 1 gives " + result + ": summed pairs must share (p, q) and (k, l)");
            }
        }
        return result;
    }
}
