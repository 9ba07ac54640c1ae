package io.adjoint.core.graph;

import org.ejml.data.DMatrixRMaj;

/**
 * The reverse sweep over a block of output rows — the one backward walker.
 *
 * <p>For result rows [r0, r1) of the (p·q) × (k·l) Jacobian: the output's adjoint block is rows
 * [r0, r1) of the identity (B × p·q). Nodes are visited in reverse topological order; each node's adjoint
 * block V̄ (B × size(v)) is pushed through each argument's local Jacobian with {@code ū += v̄·∂v/∂u}
 * ({@link LocalJacobian#vjpAdd}); accumulating with += is what sums over every consumer of u. A block is
 * freed as soon as its node has been processed (inputs being differentiated are kept). Only nodes on a path
 * to a requested input are touched.
 */
public final class ReverseSweep {
    private ReverseSweep() {}

    /** Which nodes lie on a path from the output down to one of {@code wrt} (including the wrt nodes). */
    public static boolean[] relevant(Graph g, int[] wrt) {
        int n = g.nodes().size();
        boolean[] reaches = new boolean[n];
        for (int w : wrt) {
            reaches[w] = true;
        }
        for (Graph.Node node : g.nodes()) {
            for (int a : node.args) {
                if (reaches[a]) {
                    reaches[node.id] = true;
                }
            }
        }
        return reaches;
    }

    /**
     * Rows [r0, r1) of ∂out/∂x for each input node x in {@code wrt}: one B × size(x) block each (zeros
     * when the output does not depend on x).
     */
    public static DMatrixRMaj[] sweep(Tape tape, int[] wrt, long r0, long r1) {
        int b = Math.toIntExact(r1 - r0);
        return run(
                tape,
                wrt,
                Selection.identityRows(r0, b, tape.graph.outputShape().size()),
                b);
    }

    /**
     * Vector-Jacobian products for an arbitrary block of output adjoints: row b of the result for input x is
     * seed[b, :] · ∂out/∂x. With seed rows of the identity this is {@link #sweep}; with a random v it gives
     * vᵀJ for a projection. {@code seed} is B × p·q and is consumed (modified).
     */
    public static DMatrixRMaj[] sweepSeeded(Tape tape, int[] wrt, DMatrixRMaj seed) {
        return run(tape, wrt, seed, seed.numRows);
    }

    /** The adjoint of u as a dense block (turning a selection into one, or declaring zeros). */
    private static DMatrixRMaj dense(Object[] adj, int u, int b, int size) {
        Object a = adj[u];
        if (a instanceof DMatrixRMaj d) {
            return d;
        }
        DMatrixRMaj d = io.adjoint.core.linalg.Scratch.zeros(b, size);
        if (a != null) {
            ((Selection) a).addTo(d);
        }
        adj[u] = d;
        return d;
    }

    /**
     * The walker. An adjoint is either a dense B × size block or a {@link Selection} (one non-zero per row:
     * the identity seed and what elementwise ops, broadcasting and transposes make of it); a selection meets
     * a mixing op through {@link LocalJacobian#vjpAddSelection}, and a second contribution to a selection
     * makes it dense.
     */
    private static DMatrixRMaj[] run(Tape tape, int[] wrt, Object seed, int b) {
        Graph g = tape.graph;
        int outId = g.output();
        boolean[] rel = relevant(g, wrt);
        boolean[] keep = new boolean[g.nodes().size()];
        for (int w : wrt) {
            keep[w] = true;
        }
        Object[] adj = new Object[g.nodes().size()];
        adj[outId] = seed;
        for (int v = outId; v >= 0; v--) {
            Object vbar = adj[v];
            if (vbar == null || !rel[v]) {
                continue;
            }
            Graph.Node node = g.node(v);
            if (node.kind == Graph.Kind.APPLY) {
                LocalJacobian[] js = tape.jacobians[v];
                for (int i = 0; i < node.args.length; i++) {
                    int u = node.args[i];
                    if (!rel[u]) {
                        continue;
                    }
                    int usize = g.node(u).shape.size();
                    if (vbar instanceof Selection sel) {
                        Selection mapped = js[i].mapSelection(sel);
                        if (mapped != null) {
                            if (adj[u] == null) {
                                adj[u] = mapped;
                            } else {
                                mapped.addTo(dense(adj, u, b, usize));
                            }
                        } else {
                            js[i].vjpAddSelection(sel, dense(adj, u, b, usize));
                        }
                    } else {
                        js[i].vjpAdd((DMatrixRMaj) vbar, dense(adj, u, b, usize));
                    }
                }
            }
            if (!keep[v]) {
                if (v != outId && vbar instanceof DMatrixRMaj block) {
                    io.adjoint.core.linalg.Scratch.release(block);
                }
                adj[v] = null;
            }
        }
        DMatrixRMaj[] out = new DMatrixRMaj[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            // results leave the sweep as exact-size matrices the caller owns
            Object a = adj[wrt[i]];
            int size = g.node(wrt[i]).shape.size();
            if (a == null) {
                out[i] = new DMatrixRMaj(b, size);
            } else if (a instanceof Selection sel) {
                out[i] = sel.toDense();
            } else {
                DMatrixRMaj d = (DMatrixRMaj) a;
                if (d.data.length != d.getNumElements()) {
                    out[i] = d.copy();
                    io.adjoint.core.linalg.Scratch.release(d);
                } else {
                    out[i] = d;
                }
            }
        }
        return out;
    }

    /**
     * Columns a sweep over {@code wrt} holds per seed row: the live adjoints ({@link #peakLiveColumns}) plus the
     * batched-GEMM workspace (about two of the widest nodes).
     */
    public static long columnsPerSeed(Graph g, int[] wrt) {
        long live = wrt.length == 0 ? g.outputShape().size() : peakLiveColumns(g, wrt);
        long widest = 0;
        for (Graph.Node n : g.nodes()) {
            widest = Math.max(widest, n.shape.size());
        }
        return live + 2 * widest;
    }

    /**
     * The most adjoint columns alive at once during a sweep (per row of the block): the planner's memory
     * model. Counts the seed, every block from its first write to its node's visit, and the kept wrt blocks.
     */
    public static long peakLiveColumns(Graph g, int[] wrt) {
        boolean[] rel = relevant(g, wrt);
        boolean[] keep = new boolean[g.nodes().size()];
        for (int w : wrt) {
            keep[w] = true;
        }
        boolean[] live = new boolean[g.nodes().size()];
        int outId = g.output();
        live[outId] = true;
        long cur = g.outputShape().size();
        long peak = cur;
        for (int v = outId; v >= 0; v--) {
            if (!live[v] || !rel[v]) {
                continue;
            }
            for (int u : g.node(v).args) {
                if (rel[u] && !live[u]) {
                    live[u] = true;
                    cur += g.node(u).shape.size();
                }
            }
            peak = Math.max(peak, cur);
            if (!keep[v]) {
                live[v] = false;
                cur -= g.node(v).shape.size();
            }
        }
        return peak;
    }
}
