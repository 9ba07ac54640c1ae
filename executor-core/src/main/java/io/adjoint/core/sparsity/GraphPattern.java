package io.adjoint.core.sparsity;

import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;

/** The structural pattern of ∂out/∂x for a whole expression: each op's {@link Function#dependence} in turn. */
public final class GraphPattern {
    private GraphPattern() {}

    /**
     * The pattern of ∂out/∂x for input node {@code wrt}, from the graph's structure alone (no values). Cost: one
     * rule per node, each on factors of the size of one axis (for the MLP: O(n) words per node).
     */
    public static SparsityPattern of(Graph g, FunctionLookup fns, int wrt) {
        Shape2 x = g.node(wrt).shape;
        SparsityPattern[] p = new SparsityPattern[g.nodes().size()];
        for (Graph.Node n : g.nodes()) {
            switch (n.kind) {
                case INPUT -> p[n.id] = n.id == wrt ? SparsityPattern.identity(x) : SparsityPattern.empty(n.shape, x);
                case CONSTANT -> p[n.id] = SparsityPattern.empty(n.shape, x);
                default -> {
                    SparsityPattern[] args = new SparsityPattern[n.args.length];
                    Shape2[] shapes = new Shape2[n.args.length];
                    boolean any = false;
                    for (int a = 0; a < args.length; a++) {
                        args[a] = p[n.args[a]];
                        shapes[a] = g.node(n.args[a]).shape;
                        any |= !args[a].isEmpty();
                    }
                    if (!any) {
                        p[n.id] = SparsityPattern.empty(n.shape, x);
                        continue;
                    }
                    Function f = fns.get(n.name);
                    SparsityPattern got = f.dependence(args, shapes, n.shape, n.literals);
                    if (!got.out.equals(n.shape) || !got.x.equals(x)) {
                        throw new IllegalStateException(n.name + ".dependence gave a pattern of " + got.out + " w.r.t. "
                                + got.x + " for a node of " + n.shape + " w.r.t. " + x);
                    }
                    p[n.id] = got;
                }
            }
        }
        return p[g.output()];
    }
}
