package io.adjoint.core.graph;

import io.adjoint.core.graph.ops.Functions;
import java.util.HashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Central differences: column c of ∂out/∂x is (f(x + h·e_c) − f(x − h·e_c)) / (2h). Error O(h²·f‴) + O(ε/h);
 * two forward passes per input entry.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** The (p·q) × size(x) Jacobian of the output with respect to input {@code wrt}, by central differences. */
    public static DMatrixRMaj jacobian(Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double h, Functions fns) {
        DMatrixRMaj x = inputs.get(wrt);
        int outSize = g.outputShape().size();
        DMatrixRMaj jac = new DMatrixRMaj(outSize, x.getNumElements());
        Map<String, DMatrixRMaj> in = new HashMap<>(inputs);
        for (int c = 0; c < x.getNumElements(); c++) {
            DMatrixRMaj xp = x.copy();
            xp.data[c] += h;
            in.put(wrt, xp);
            DMatrixRMaj fp = Forward.run(g, in, fns).output();
            DMatrixRMaj xm = x.copy();
            xm.data[c] -= h;
            in.put(wrt, xm);
            DMatrixRMaj fm = Forward.run(g, in, fns).output();
            for (int r = 0; r < outSize; r++) {
                jac.set(r, c, (fp.data[r] - fm.data[r]) / (2 * h));
            }
        }
        return jac;
    }
}
