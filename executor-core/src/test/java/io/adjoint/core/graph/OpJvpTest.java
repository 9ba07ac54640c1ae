package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode, op by op over the same cases as {@link OpGradientTest} (whose coverage test guarantees every
 * built-in op has one): the structured JVP equals the dense local Jacobian times the tangents (1e-12, accumulating
 * onto a non-zero start), the forward sweep gives the same, and that equals central differences along the tangent
 * (h = 1e-6: rtol 1e-6, atol 1e-7). The test op {@code cube} declares no JVP, so it checks the dense fallback.
 */
class OpJvpTest {
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return OpGradientTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void structuredJvpEqualsDenseEqualsFiniteDifferences(String name, String[] c) {
        String expr = c[0];
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), java.util.Arrays.copyOfRange(c, 1, c.length));
        Graph g = GraphTesting.compile(expr, in);
        Functions fns = Functions.standard();
        Forward f = Forward.run(g, in, fns);
        Graph.Node root = g.node(g.output());
        Random rng = new Random(7);
        for (int a = 0; a < root.args.length; a++) {
            Graph.Node arg = g.node(root.args[a]);
            if (arg.kind != Graph.Kind.INPUT) {
                continue;
            }
            LocalJacobian lj = f.tape.jacobians[root.id][a];
            DMatrixRMaj dense = lj.dense();
            DMatrixRMaj udot = gaussian(rng, 4, arg.shape.size());
            DMatrixRMaj start = gaussian(rng, 4, root.shape.size());
            DMatrixRMaj got = start.copy();
            lj.jvpAdd(udot, got);
            DMatrixRMaj want = start.copy();
            CommonOps_DDRM.multAddTransB(udot, dense, want);
            assertNull(GraphTesting.compare(got, want, 1e-12, 1e-12), expr + " d/d" + arg.name + " JVP vs dense");

            // the forward sweep over the whole graph, tangent on this input only
            Map<Integer, DMatrixRMaj> t = new HashMap<>();
            t.put(arg.id, udot);
            DMatrixRMaj swept = ForwardSweep.jvp(f.tape, t, 4);
            DMatrixRMaj byDense = new DMatrixRMaj(4, root.shape.size());
            CommonOps_DDRM.multAddTransB(udot, dense, byDense);
            assertNull(GraphTesting.compare(swept, byDense, 1e-12, 1e-12), expr + " d/d" + arg.name + " sweep");

            // central differences along the first tangent
            double h = 1e-6;
            DMatrixRMaj fd = new DMatrixRMaj(1, root.shape.size());
            for (int sign : new int[] {1, -1}) {
                Map<String, DMatrixRMaj> shifted = new HashMap<>(in);
                DMatrixRMaj x = in.get(arg.name).copy();
                for (int i = 0; i < x.data.length; i++) {
                    x.data[i] += sign * h * udot.data[i];
                }
                shifted.put(arg.name, x);
                DMatrixRMaj out = Forward.outputValue(g, shifted, fns);
                for (int i = 0; i < fd.data.length; i++) {
                    fd.data[i] += sign * out.data[i] / (2 * h);
                }
            }
            DMatrixRMaj first = CommonOps_DDRM.extractRow(swept, 0, null);
            assertNull(GraphTesting.compare(first, fd, 1e-6, 1e-7), expr + " d/d" + arg.name + " JVP vs FD");
        }
        assertEquals(Graph.Kind.APPLY, root.kind);
    }

    static DMatrixRMaj gaussian(Random rng, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }
}
