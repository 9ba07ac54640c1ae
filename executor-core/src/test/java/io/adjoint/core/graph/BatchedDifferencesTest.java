package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Batched central differences equal one-pass-per-column central differences (up to rounding, 1e-8), batched or not. */
class BatchedDifferencesTest {
    @ParameterizedTest(name = "{0} d/d{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "tanh(W2 @ tanh(W1 @ X + b1) + b2) | X | true | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1",
                "tanh(W2 @ tanh(W1 @ X + b1) + b2) | W1 | false | W1:5x4 W2:3x5 X:4x6 b1:5x1 b2:3x1",
                "softmax(W @ X, 0) * Y - sum(X, 0) / 3 + r | X | true | W:3x4 X:4x5 Y:3x5 r:1x5",
                "pow(1 + square(X), -0.5) * c + mean(exp(X), 0) | X | true | X:3x4 c:3x1",
                "sum(X, 1) | X | false | X:3x4",
                "X.T @ W | X | false | X:4x3 W:4x2",
                "relu(N) @ A | N | false | N:3x4 A:4x2",
                "A @ relu(N) + 2 | N | true | N:3x4 A:2x3",
            })
    void batchedEqualsOnePassPerColumn(String expr, String wrt, boolean batches, String specs) {
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), specs.trim().split(" "));
        Graph g = GraphTesting.compile(expr.trim(), in);
        Functions fns = Functions.standard();
        assertEquals(batches, BatchedDifferences.batches(g, wrt, io.adjoint.core.graph.ops.Functions.standard()));
        int cols = in.get(wrt).getNumElements();
        DMatrixRMaj one = FiniteDifferences.columns(g, in, wrt, 1, cols, 1e-6, fns);
        for (int batch : new int[] {2, 6, 64}) {
            DMatrixRMaj b = BatchedDifferences.columns(new Differencing(g, in, wrt, 1e-6, fns, batch), 1, cols);
            assertNull(GraphTesting.compare(b, one, 1e-8, 1e-8), "batch " + batch);
        }
    }
}
