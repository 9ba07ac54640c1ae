package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.adjoint.core.testing.GraphTesting;
import org.junit.jupiter.api.Test;

/** {@link Graph#forwardFlops}: the planning estimate, counted by hand for small graphs. */
class ForwardFlopsTest {
    static final int E = Graph.FLOPS_PER_ENTRY;

    @Test
    void theMlpCountsTwoGemmsAndFourElementwiseOps() {
        // W1 5×4 @ X 4×6: 2·5·4·6; + b1 (5×6), tanh (5×6); W2 3×5 @ h: 2·3·5·6; + b2 (3×6), tanh (3×6)
        Graph g = GraphTesting.compile(
                "tanh(W2 @ tanh(W1 @ X + b1) + b2)",
                GraphTesting.inputs(1, "W1:5x4", "W2:3x5", "X:4x6", "b1:5x1", "b2:3x1"));
        double want = 2.0 * 5 * 4 * 6 + 2 * E * 30 + 2.0 * 3 * 5 * 6 + 2 * E * 18;
        assertEquals(want, g.forwardFlops(), 0);
    }

    @Test
    void inverseIsCubicAndInputsAndConstantsAreFree() {
        Graph g = GraphTesting.compile("inv(S) @ X - 0.5", GraphTesting.inputs(2, "S:7x7", "X:7x3"));
        // inv: 2·7³; matmul 2·7·7·3; the subtraction's 7×3 result
        assertEquals(2.0 * 343 + 2.0 * 7 * 7 * 3 + E * 21, g.forwardFlops(), 0);
        assertEquals(
                0, GraphTesting.compile("X", GraphTesting.inputs(3, "X:4x4")).forwardFlops(), 0);
    }
}
