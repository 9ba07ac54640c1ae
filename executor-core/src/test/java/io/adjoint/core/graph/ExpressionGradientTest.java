package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.Arrays;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Whole expressions — fan-out, broadcasting, MLP layers, 1×1 and non-square outputs: the reverse sweep in
 * blocks of 4 rows (not dividing p·q in general) equals central differences for every input.
 */
class ExpressionGradientTest {
    /** Composite expressions and their inputs (name:rows x cols), shared by the tests here. */
    static final String[] EXPRESSIONS = {
        "tanh(W2 @ tanh(W1 @ X + b1) + b2) | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1",
        "X * X | X:3x4",
        "X @ X.T | X:3x5",
        "X.T @ X | X:4x3",
        "X @ X @ X + X | X:4x4",
        "sum(softmax(W @ X, 0) * Y) | W:3x4 X:4x5 Y:3x5",
        "mean(square(W @ X - Y), 1) | W:2x3 X:3x4 Y:2x4",
        "relu(N) + r - c * 2 | N:3x4 r:1x4 c:3x1",
        "trace(inv(S) @ X) | S:3x3 X:3x3",
        "sigmoid(A @ B) / (1 + exp(-C)) | A:3x7 B:7x5 C:1x5",
        "-X.T @ pow(P, 0.5) | X:4x3 P:4x5",
        "- -Z + log(P) * sin(Z) - cos(P) / sqrt(P) | Z:2x3 P:2x3",
        "sum(abs(N) @ N.T, 0) + mean(N) | N:3x4",
        "A @ X + X @ B | A:4x4 X:4x7 B:7x7",
        "softmax(X, 1) @ W | X:3x5 W:5x5",
    };

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> expressions() {
        return java.util.Arrays.stream(EXPRESSIONS).map(e -> {
            String[] p = e.split("\\|");
            return org.junit.jupiter.params.provider.Arguments.of(p[0].trim(), p[1].trim());
        });
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("expressions")
    void sweepEqualsFiniteDifferences(String expr, String specs) {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        Functions fns = Functions.standard();
        Graph g = GraphTesting.compile(expr.trim(), in);
        Forward f = Forward.run(g, in, fns);
        for (String name : g.inputs().keySet()) {
            DMatrixRMaj fd = FiniteDifferences.jacobian(g, in, name, 1e-6, fns);
            DMatrixRMaj rev = GraphTesting.sweepAll(f, name, 4);
            assertNull(GraphTesting.compare(rev, fd, 1e-6, 1e-7), expr + " d/d" + name);
        }
    }

    /**
     * Batched products against the full Jacobians (1e-12): the forward sweep with tangents on every input gives
     * Σ_x J_x·ẋ_b, and the seeded reverse sweep gives ḡ_b·J_x for every input.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("expressions")
    void jvpAndVjpEqualProductsWithTheFullJacobian(String expr, String specs) {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        Graph g = GraphTesting.compile(expr.trim(), in);
        Forward f = Forward.run(g, in, Functions.standard());
        java.util.Random rng = new java.util.Random(11);
        int b = 3;
        int pq = g.outputShape().size();
        Map<Integer, DMatrixRMaj> tangents = new java.util.HashMap<>();
        DMatrixRMaj want = new DMatrixRMaj(b, pq);
        DMatrixRMaj cot = OpJvpTest.gaussian(rng, b, pq);
        int[] ids = g.inputs().values().stream().mapToInt(Integer::intValue).toArray();
        DMatrixRMaj[] vjps = ReverseSweep.sweepSeeded(f.tape, ids, cot.copy());
        int k = 0;
        for (Map.Entry<String, Integer> x : g.inputs().entrySet()) {
            DMatrixRMaj jac = GraphTesting.sweepAll(f, x.getKey(), 4);
            DMatrixRMaj t = OpJvpTest.gaussian(rng, b, jac.numCols);
            tangents.put(x.getValue(), t);
            org.ejml.dense.row.CommonOps_DDRM.multAddTransB(t, jac, want);
            DMatrixRMaj wantVjp = new DMatrixRMaj(b, jac.numCols);
            org.ejml.dense.row.CommonOps_DDRM.mult(cot, jac, wantVjp);
            assertNull(GraphTesting.compare(vjps[k++], wantVjp, 1e-12, 1e-12), expr + " vjp d/d" + x.getKey());
        }
        assertNull(GraphTesting.compare(ForwardSweep.jvp(f.tape, tangents, b), want, 1e-12, 1e-12), expr + " jvp");
    }

    @org.junit.jupiter.api.Test
    void liveAdjointsAreCountedAndInputsNotReachedGetZeros() {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(1, "W1:5x4", "W2:3x5", "X:4x6", "b1:5x1", "b2:3x1");
        Graph g = GraphTesting.compile("tanh(W2 @ tanh(W1 @ X + b1) + b2)", in);
        int x = g.inputs().get("X");
        // output 3×6 = 18 → tanh → add(18) → matmul: live W2 15 + inner tanh 30 … peak is bounded by the sum
        long peak = ReverseSweep.peakLiveColumns(g, new int[] {x});
        long total = g.nodes().stream().mapToLong(n -> n.shape.size()).sum();
        assertEquals(true, peak >= 18 + 24 && peak <= total, "peak " + peak);
        Map<String, DMatrixRMaj> in2 = GraphTesting.inputs(2, "X:2x2", "Y:2x2");
        Graph g2 = GraphTesting.compile("X * 2", in2);
        Forward f2 = Forward.run(g2, in2, Functions.standard());
        assertEquals(Arrays.asList("X"), Arrays.asList(g2.inputs().keySet().toArray()));
        DMatrixRMaj[] blocks =
                ReverseSweep.sweep(f2.tape, new int[] {g2.inputs().get("X")}, 0, 4);
        assertEquals(2.0, blocks[0].get(3, 3), 0.0);
    }
}
