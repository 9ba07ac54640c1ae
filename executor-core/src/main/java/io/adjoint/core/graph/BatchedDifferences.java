package io.adjoint.core.graph;

import io.adjoint.core.graph.ops.Functions;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Central differences with the forward evaluations batched into GEMMs where the graph allows.
 *
 * <p>Many perturbed copies X ± h·e_c of the input are laid side by side, [X₁ X₂ … X_B] (k × B·l), and the
 * graph is evaluated once on that wide matrix. This is exact — each block of columns is the graph on one
 * copy — when every op between X and the output acts on columns independently: elementwise functions,
 * broadcasting arithmetic (an operand that does not depend on X is tiled across the blocks when it has l
 * columns), {@code A @ X'} with A not depending on X (one GEMM for all copies), column sums and means
 * ({@code sum(·, 0)}, {@code mean(·, 0)}) and column softmax ({@code softmax(·, 0)}). Anything else — a
 * transpose, a row reduction, inv, trace, X on the left of @, a user op — falls back to one forward pass per
 * copy ({@link FiniteDifferences#columns}). Nodes that do not depend on X are evaluated once.
 */
public final class BatchedDifferences {
    private BatchedDifferences() {
    }

    /** Which nodes depend on input {@code wrt} (node id), and whether every one of them is column-separable. */
    static boolean separable(Graph g, int wrt, boolean[] tainted) {
        tainted[wrt] = true;
        for (Graph.Node n : g.nodes()) {
            if (n.kind != Graph.Kind.APPLY) {
                continue;
            }
            boolean any = false;
            for (int a : n.args) {
                any |= tainted[a];
            }
            if (!any) {
                continue;
            }
            tainted[n.id] = true;
            if (!columnSeparable(g, n, tainted)) {
                return false;
            }
        }
        return true;
    }

    private static boolean columnSeparable(Graph g, Graph.Node n, boolean[] tainted) {
        switch (n.name) {
            case "tanh": case "sigmoid": case "relu": case "exp": case "log": case "sin": case "cos": case "sqrt":
            case "square": case "abs": case "negative": case "pow":
                return true;
            case "add": case "subtract": case "multiply": case "divide": {
                for (int a : n.args) {
                    Shape2 s = g.node(a).shape;
                    if (tainted[a] ? s.cols != n.shape.cols : !(s.cols == 1 || s.cols == n.shape.cols)) {
                        return false;
                    }
                }
                return true;
            }
            case "matmul":
                return !tainted[n.args[0]];
            case "sum": case "mean": case "softmax":
                return n.literals.length == 1 && n.literals[0] == 0;
            default:
                return false;
        }
    }

    /** Whether {@link #columns} will batch for this graph and input. */
    public static boolean batches(Graph g, String wrt) {
        Integer id = g.inputs().get(wrt);
        return id != null && separable(g, id, new boolean[g.nodes().size()]);
    }

    /**
     * Columns [c0, c1) of the central-difference Jacobian, (p·q) × (c1 − c0), the same numbers as
     * {@link FiniteDifferences#columns} up to rounding, evaluated {@code batch} copies at a time.
     */
    public static DMatrixRMaj columns(Graph g, Map<String, DMatrixRMaj> inputs, String wrt, int c0, int c1, double h,
            Functions fns, int batch) {
        Integer xId = g.inputs().get(wrt);
        boolean[] tainted = new boolean[g.nodes().size()];
        if (xId == null || !separable(g, xId, tainted)) {
            return FiniteDifferences.columns(g, inputs, wrt, c0, c1, h, fns);
        }
        int outSize = g.outputShape().size();
        DMatrixRMaj jac = new DMatrixRMaj(outSize, c1 - c0);
        // values of the nodes that do not depend on X, once
        DMatrixRMaj[] fixed = new DMatrixRMaj[g.nodes().size()];
        for (Graph.Node n : g.nodes()) {
            if (tainted[n.id]) {
                continue;
            }
            fixed[n.id] = value(n, fixed, inputs, fns);
        }
        if (!tainted[g.output()]) {
            return jac;
        }
        DMatrixRMaj x = inputs.get(wrt);
        int k = x.numRows;
        int l = x.numCols;
        int cols = Math.max(1, batch / 2);
        for (int start = c0; start < c1; start += cols) {
            int cb = Math.min(cols, c1 - start);
            int copies = 2 * cb;
            DMatrixRMaj wide = new DMatrixRMaj(k, copies * l);
            for (int i = 0; i < k; i++) {
                for (int b = 0; b < copies; b++) {
                    System.arraycopy(x.data, i * l, wide.data, i * copies * l + b * l, l);
                }
            }
            for (int j = 0; j < cb; j++) {
                int c = start + j;
                int r = c / l;
                int s = c % l;
                wide.data[r * copies * l + j * l + s] += h;
                wide.data[r * copies * l + (cb + j) * l + s] -= h;
            }
            DMatrixRMaj[] vals = fixed.clone();
            vals[xId] = wide;
            for (Graph.Node n : g.nodes()) {
                if (!tainted[n.id] || n.kind != Graph.Kind.APPLY) {
                    continue;
                }
                DMatrixRMaj[] args = new DMatrixRMaj[n.args.length];
                for (int a = 0; a < args.length; a++) {
                    DMatrixRMaj v = vals[n.args[a]];
                    Shape2 s = g.node(n.args[a]).shape;
                    args[a] = !tainted[n.args[a]] && s.cols == n.shape.cols && s.cols > 1 && !"matmul".equals(n.name)
                            ? tile(v, copies) : v;
                }
                vals[n.id] = fns.get(n.name).apply(args, n.literals).value;
            }
            DMatrixRMaj out = vals[g.output()];
            int p = g.outputShape().rows;
            int q = g.outputShape().cols;
            for (int j = 0; j < cb; j++) {
                for (int i = 0; i < p; i++) {
                    for (int t = 0; t < q; t++) {
                        double plus = out.data[i * copies * q + j * q + t];
                        double minus = out.data[i * copies * q + (cb + j) * q + t];
                        jac.set(i * q + t, start + j - c0, (plus - minus) / (2 * h));
                    }
                }
            }
        }
        return jac;
    }

    private static DMatrixRMaj value(Graph.Node n, DMatrixRMaj[] vals, Map<String, DMatrixRMaj> inputs, Functions fns) {
        switch (n.kind) {
            case INPUT:
                return inputs.get(n.name);
            case CONSTANT:
                return new DMatrixRMaj(1, 1, true, n.constant);
            default: {
                DMatrixRMaj[] args = new DMatrixRMaj[n.args.length];
                for (int a = 0; a < args.length; a++) {
                    args[a] = vals[n.args[a]];
                }
                return fns.get(n.name).apply(args, n.literals).value;
            }
        }
    }

    /** [V V … V], {@code copies} times side by side. */
    private static DMatrixRMaj tile(DMatrixRMaj v, int copies) {
        int m = v.numCols;
        DMatrixRMaj t = new DMatrixRMaj(v.numRows, m * copies);
        for (int i = 0; i < v.numRows; i++) {
            for (int b = 0; b < copies; b++) {
                System.arraycopy(v.data, i * m, t.data, i * m * copies + b * m, m);
            }
        }
        return t;
    }
}
