package io.adjoint.core.graph;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Forward mode over a recorded tape: Jacobian-vector products for a block of B tangents at once. Given tangents
 * Ẋ (B × size(x)) for some inputs x, the tangent of every node follows in graph order, V̇ = Σ_args U̇·(∂v/∂u)ᵀ
 * ({@link LocalJacobian#jvpAdd}), and the output's is returned: row b is Σ_x ∂out/∂x · ẋ_b, flattened row-major
 * (B × p·q). Inputs without a tangent contribute nothing. Cost: one tangent-sized product per edge on a path from a
 * tangent input to the output — for a matmul, one GEMM of B·n·k·m — and each node's tangent is freed after its
 * last consumer.
 */
public final class ForwardSweep {
    private ForwardSweep() {}

    /**
     * The output tangents for the given input tangents.
     *
     * @param tangents input node id → B × size(input) tangents (every one with the same B)
     * @param b the number of tangents B
     */
    public static DMatrixRMaj jvp(Tape tape, Map<Integer, DMatrixRMaj> tangents, int b) {
        Graph g = tape.graph;
        int n = g.nodes().size();
        int[] lastUse = new int[n];
        for (Graph.Node node : g.nodes()) {
            if (node.kind == Graph.Kind.APPLY) {
                for (int u : node.args) {
                    lastUse[u] = Math.max(lastUse[u], node.id);
                }
            }
        }
        DMatrixRMaj[] dot = new DMatrixRMaj[n];
        tangents.forEach((id, t) -> {
            if (t.numRows != b || t.numCols != g.node(id).shape.size()) {
                throw new IllegalArgumentException("tangent of node " + id + " is " + t.numRows + "×" + t.numCols
                        + ", expected " + b + "×" + g.node(id).shape.size());
            }
            dot[id] = t;
        });
        int out = g.output();
        for (int v = 0; v <= out; v++) {
            Graph.Node node = g.node(v);
            if (node.kind != Graph.Kind.APPLY) {
                continue;
            }
            DMatrixRMaj vdot = null;
            for (int i = 0; i < node.args.length; i++) {
                DMatrixRMaj udot = dot[node.args[i]];
                if (udot == null) {
                    continue;
                }
                if (vdot == null) {
                    vdot = new DMatrixRMaj(b, node.shape.size());
                }
                tape.jacobians[v][i].jvpAdd(udot, vdot);
            }
            dot[v] = vdot;
            for (int u : node.args) {
                if (lastUse[u] == v && u != out && !tangents.containsKey(u)) {
                    dot[u] = null; // no later consumer: let it go
                }
            }
        }
        if (dot[out] == null) {
            return new DMatrixRMaj(b, g.node(out).shape.size());
        }
        return tangents.containsKey(out) ? dot[out].copy() : dot[out]; // the output is an input: not the caller's
    }
}
