package io.adjoint.core.graph;

import java.io.Serializable;

/**
 * What the reverse sweep needs and nothing more: the graph's structure and, for every APPLY node, one
 * local Jacobian per argument, computed by the forward pass on the driver. Broadcast to executors, which
 * do no forward work.
 */
public final class Tape implements Serializable {
    private static final long serialVersionUID = 1L;
    public final Graph graph;
    /** jacobians[v][i] = ∂v/∂args[i] for APPLY nodes; null for inputs and constants. */
    public final LocalJacobian[][] jacobians;

    public Tape(Graph graph, LocalJacobian[][] jacobians) {
        this.graph = graph;
        this.jacobians = jacobians;
    }

    /** Total bytes the local Jacobians hold (approximate: their dense-equivalent is never formed). */
    public long bytes() {
        // every structured Jacobian holds at most a few matrices of its node's size; a serialized size is
        // the honest figure, measured by the caller when it matters
        long b = 0;
        for (Graph.Node n : graph.nodes()) {
            if (n.kind == Graph.Kind.APPLY) {
                b += 8L * n.shape.size() * 2;
                for (int a : n.args) {
                    b += 8L * graph.node(a).shape.size();
                }
            }
        }
        return b;
    }
}
