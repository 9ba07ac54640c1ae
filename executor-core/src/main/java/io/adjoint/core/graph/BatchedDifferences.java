package io.adjoint.core.graph;

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
 * copy ({@link FiniteDifferences#columns}). Each op declares which it is ({@link Function#columnSeparable});
 * nodes that do not depend on X are evaluated once.
 */
public final class BatchedDifferences {
    private BatchedDifferences() {}

    /**
     * Which nodes depend on input {@code wrt} (node id), and whether every one of them declares itself
     * {@linkplain Function#columnSeparable column-separable} for the arguments that vary.
     */
    static boolean separable(Graph g, int wrt, boolean[] tainted, FunctionLookup fns) {
        tainted[wrt] = true;
        for (Graph.Node n : g.nodes()) {
            if (n.kind != Graph.Kind.APPLY) {
                continue;
            }
            boolean any = false;
            boolean[] varying = new boolean[n.args.length];
            Shape2[] shapes = new Shape2[n.args.length];
            for (int a = 0; a < n.args.length; a++) {
                varying[a] = tainted[n.args[a]];
                shapes[a] = g.node(n.args[a]).shape;
                any |= varying[a];
            }
            if (!any) {
                continue;
            }
            tainted[n.id] = true;
            if (!fns.get(n.name).columnSeparable(shapes, varying, n.literals)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@link #columns} will batch for this graph and input. */
    public static boolean batches(Graph g, String wrt, FunctionLookup fns) {
        Integer id = g.inputs().get(wrt);
        return id != null && separable(g, id, new boolean[g.nodes().size()], fns);
    }

    /**
     * Columns [c0, c1) of the central-difference Jacobian, (p·q) × (c1 − c0), the same numbers as
     * {@link FiniteDifferences#columns} up to rounding, evaluated {@code batch} copies at a time.
     */
    public static DMatrixRMaj columns(Differencing d, int c0, int c1) {
        int[][] single = new int[c1 - c0][];
        for (int c = c0; c < c1; c++) {
            single[c - c0] = new int[] {c};
        }
        return groups(d, single);
    }

    /**
     * {@link FiniteDifferences#groups} — central differences along the sums of the unit vectors of each group of
     * entries — evaluated {@code batch} copies at a time where the graph allows.
     */
    public static DMatrixRMaj groups(Differencing d, int[][] groups) {
        Graph g = d.graph();
        Map<String, DMatrixRMaj> inputs = d.inputs();
        String wrt = d.wrt();
        double h = d.h();
        FunctionLookup fns = d.fns();
        int batch = d.batch();
        Integer xId = g.inputs().get(wrt);
        boolean[] tainted = new boolean[g.nodes().size()];
        if (xId == null || !separable(g, xId, tainted, fns)) {
            return FiniteDifferences.groups(g, inputs, wrt, groups, h, fns);
        }
        int c0 = 0;
        int c1 = groups.length;
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
                for (int c : groups[start + j]) {
                    int r = c / l;
                    int s = c % l;
                    wide.data[r * copies * l + j * l + s] += h;
                    wide.data[r * copies * l + (cb + j) * l + s] -= h;
                }
            }
            DMatrixRMaj[] vals = fixed.clone();
            vals[xId] = wide;
            for (Graph.Node n : g.nodes()) {
                if (!tainted[n.id] || n.kind != Graph.Kind.APPLY) {
                    continue;
                }
                DMatrixRMaj[] args = new DMatrixRMaj[n.args.length];
                boolean[] varying = new boolean[n.args.length];
                for (int a = 0; a < args.length; a++) {
                    args[a] = vals[n.args[a]];
                    varying[a] = tainted[n.args[a]];
                }
                vals[n.id] = fns.get(n.name).applyToColumnCopies(args, varying, copies, n.literals);
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

    private static DMatrixRMaj value(
            Graph.Node n, DMatrixRMaj[] vals, Map<String, DMatrixRMaj> inputs, FunctionLookup fns) {
        return switch (n.kind) {
            case INPUT -> inputs.get(n.name);
            case CONSTANT -> new DMatrixRMaj(1, 1, true, n.constant);
            case APPLY -> {
                DMatrixRMaj[] args = new DMatrixRMaj[n.args.length];
                for (int a = 0; a < args.length; a++) {
                    args[a] = vals[n.args[a]];
                }
                yield fns.get(n.name).value(args, n.literals);
            }
        };
    }
}
