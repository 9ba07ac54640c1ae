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

    /**
     * The naive baseline: the same tape with the local Jacobian of every edge on a path to {@code wrt}
     * replaced by its dense (size(v) × size(u)) matrix, contracted by dgemm. For benchmarks and tests.
     */
    public Tape densified(int[] wrt) {
        boolean[] rel = ReverseSweep.relevant(graph, wrt);
        LocalJacobian[][] d = new LocalJacobian[jacobians.length][];
        for (Graph.Node n : graph.nodes()) {
            if (jacobians[n.id] == null) {
                continue;
            }
            d[n.id] = jacobians[n.id].clone();
            for (int i = 0; i < n.args.length; i++) {
                if (rel[n.id] && rel[n.args[i]]) {
                    d[n.id][i] = new DenseLocalJacobian(jacobians[n.id][i].dense());
                }
            }
        }
        return new Tape(graph, d);
    }

    /** A local Jacobian held as a dense matrix: Ū += V̄ · J by dgemm. */
    public static final class DenseLocalJacobian implements LocalJacobian {
        private static final long serialVersionUID = 1L;
        private final org.ejml.data.DMatrixRMaj j;

        public DenseLocalJacobian(org.ejml.data.DMatrixRMaj j) {
            this.j = j;
        }

        @Override
        public int outSize() {
            return j.numRows;
        }

        @Override
        public int inSize() {
            return j.numCols;
        }

        @Override
        public void vjpAdd(org.ejml.data.DMatrixRMaj vbar, org.ejml.data.DMatrixRMaj ubar) {
            io.adjoint.core.linalg.Gemm.mult(1.0, vbar, j, 1.0, ubar);
        }

        @Override
        public org.ejml.data.DMatrixRMaj dense() {
            return j;
        }

        @Override
        public void jvpAdd(org.ejml.data.DMatrixRMaj udot, org.ejml.data.DMatrixRMaj vdot) {
            org.ejml.dense.row.CommonOps_DDRM.multAddTransB(udot, j, vdot);
        }

        @Override
        public void vjpAddSelection(Selection vbar, org.ejml.data.DMatrixRMaj ubar) {
            int in = j.numCols;
            for (int b = 0; b < vbar.col.length; b++) {
                int o = vbar.col[b] * in;
                double v = vbar.val[b];
                for (int c = 0; c < in; c++) {
                    ubar.data[b * in + c] += v * j.data[o + c];
                }
            }
        }
    }
}
