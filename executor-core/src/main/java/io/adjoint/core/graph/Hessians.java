package io.adjoint.core.graph;

import io.adjoint.core.expr.Expr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Hessian blocks in memory, on one machine: for a 1×1 expression f (or ⟨G, f⟩ with the cotangent among the inputs)
 * and inputs A, B, …, the (size(A) × size(B)) matrix H_AB[i·l + j, r·n + s] = ∂²f/∂A[i, j]∂B[r, s] — the Jacobian of
 * A's gradient expression ({@link Gradients#of}) by the reverse sweep, one row of A's gradient at a time. For the Java
 * API and small problems; the {@code hessian} job distributes the same computation (and uses the structure).
 * Cost: size(A) reverse sweeps of A's gradient per A; memory: the blocks.
 */
public final class Hessians {
    private Hessians() {}

    /**
     * Every block H_AB for A, B in {@code wrt}, by A then B.
     *
     * @param cotangent the name of G among {@code inputs} for a non-scalar f, or null for a 1×1 f
     */
    public static Map<String, Map<String, DMatrixRMaj>> of(
            Expr f, Map<String, DMatrixRMaj> inputs, List<String> wrt, String cotangent, FunctionLookup fns) {
        Map<String, Shape2> shapes = new LinkedHashMap<>();
        inputs.forEach((name, m) -> shapes.put(name, new Shape2(m.numRows, m.numCols)));
        Map<String, Shape2> fShapes = new LinkedHashMap<>(shapes);
        if (cotangent != null) {
            fShapes.remove(cotangent);
        }
        Graph g = Graph.compile(f, fShapes, fns);
        Map<String, Expr> grads = Gradients.of(g, fns, wrt, cotangent);
        Map<String, Map<String, DMatrixRMaj>> out = new LinkedHashMap<>();
        for (String a : wrt) {
            Graph ga = Graph.compile(grads.get(a), shapes, fns);
            Tape tape = Forward.run(ga, inputs, fns).tape;
            Map<String, DMatrixRMaj> row = new LinkedHashMap<>();
            int rows = ga.outputShape().size();
            for (String b : wrt) {
                Integer node = ga.inputs().get(b);
                int cols = shapes.get(b).size();
                row.put(
                        b,
                        node == null || rows == 0
                                ? new DMatrixRMaj(rows, cols)
                                : ReverseSweep.sweep(tape, new int[] {node}, 0, rows)[0]);
            }
            out.put(a, row);
        }
        return out;
    }
}
