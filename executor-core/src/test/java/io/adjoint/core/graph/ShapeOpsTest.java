package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.expr.ExpressionException;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.sparsity.GraphPattern;
import io.adjoint.core.testing.GraphTesting;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Slicing, concat, reshape, diag, kron and the constants: values against NumPy's rules worked by hand on a matrix
 * whose entries are their own indices, the refusals (one message each), and exact patterns at a size where no
 * explicit listing would be made.
 */
class ShapeOpsTest {
    /** X[i, j] = 10·i + j, 4×5. */
    private static Map<String, DMatrixRMaj> indexed() {
        DMatrixRMaj x = new DMatrixRMaj(4, 5);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                x.set(i, j, 10 * i + j);
            }
        }
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("X", x);
        return in;
    }

    private static String value(String expr, Map<String, DMatrixRMaj> in) {
        DMatrixRMaj y = Forward.run(GraphTesting.compile(expr, in), in, Functions.standard())
                .output();
        StringBuilder s = new StringBuilder(y.numRows + "x" + y.numCols + " ");
        for (double v : y.data) {
            s.append((long) v).append(' ');
        }
        return s.toString().trim();
    }

    @Test
    void slicesFollowNumpy() {
        Map<String, DMatrixRMaj> in = indexed();
        assertEquals("1x5 20 21 22 23 24", value("X[2]", in));
        assertEquals("1x5 30 31 32 33 34", value("X[-1]", in));
        assertEquals("4x1 3 13 23 33", value("X[:, -2]", in));
        assertEquals("2x2 11 13 31 33", value("X[1::2, 1:4:2]", in));
        assertEquals("2x3 2 3 4 12 13 14", value("X[:2, 2:]", in));
        assertEquals("3x5 0 1 2 3 4 10 11 12 13 14 20 21 22 23 24", value("X[:-1]", in));
        assertEquals("1x1 24", value("X[2, 4]", in));
        assertEquals("2x2 11 13 31 33", value("slice(X, 1, 4, 2, 1, 4, 2)", in));
        assertEquals("1x2 -21 -23", value("-X[2, 1::2][:, :2]", in));
        // backwards, as NumPy: X[::-1] reverses the rows, X[2::-2] is rows 2, 0, X[-1:0:-1] stops above row 0
        assertEquals("4x1 30 20 10 0", value("X[::-1, 0]", in));
        assertEquals("2x2 24 22 4 2", value("X[2::-2, 4:1:-2]", in));
        assertEquals("3x1 30 20 10", value("X[-1:0:-1, 0]", in));
        assertEquals("2x1 10 0", value("X[1:-5:-1, 0]", in));
    }

    @Test
    void shapeOpsValues() {
        Map<String, DMatrixRMaj> in = indexed();
        assertEquals("2x10 0 1 2 3 4 10 11 12 13 14 20 21 22 23 24 30 31 32 33 34", value("reshape(X, 2, -1)", in));
        assertEquals("5x2 0 1 10 11 20 21 30 31 40 41", value("concat(X[:, :2], X[:1, :2] + 40, 0)", in));
        assertEquals("2x5 0 1 2 4 4 10 11 12 14 4", value("concat(X[:2, :3], X[:2, 4], X[:2, 4] * 0 + 4, 1)", in));
        assertEquals("3x3 0 0 0 0 11 0 0 0 22", value("diag(diag(X[:3, :3]))", in));
        assertEquals("3x1 0 11 22", value("diag(X[:3, :3])", in));
        // kron([[1, 2]], [[0, 1], [10, 11]]) = [[0, 1, 0, 2], [10, 11, 20, 22]]
        assertEquals("2x4 0 1 0 2 10 11 20 22", value("kron(X[:1, :2] + 1, X[:2, :2])", in));
        assertEquals("2x3 1 0 0 0 1 0", value("eye(2, 3)", in));
        assertEquals("1x2 1 1", value("ones(1, 2)", in));
        assertEquals("2x1 0 0", value("zeros(2, 1)", in));
    }

    @Test
    void refusalsSayWhatIsWrong() {
        Map<String, DMatrixRMaj> in = indexed();
        String[][] bad = {
            {"X[4]", "row start 4 is out of range for an axis of length 4"},
            {"X[:, 9:]", "column start 9 is out of range for an axis of length 5"},
            {"X[2:2]", "row slice 2:2 of an axis of length 4 is empty"},
            {"X[::0]", "row step cannot be zero"},
            {"X[1:3:-1]", "row slice 1:3 of an axis of length 4 is empty"},
            {"X[1.5]", "an index must be a whole number"},
            {"X[1", "'[' is never closed"},
            {"reshape(X, 3, 7)", "cannot reshape (4, 5) (20 entries) into (3, 7)"},
            {"concat(X, X.T, 0)", "concat along axis 0 needs equal column counts, got (4, 5) and (5, 4)"},
            {"concat(X, X, 2)", "concat needs an axis 0 or 1"},
            {"diag(X)", "diag needs a column, a row or a square matrix, got (4, 5)"},
            {"eye(0)", "eye sizes must be whole numbers ≥ 1"},
            {"solve(X, X)", "solve needs a square A, got (4, 5)"},
            {"solve(X[:, :4], X.T)", "solve(A, B) needs B with A's 4 rows, got A (4, 4) and B (5, 4)"},
            {"tri_solve(X[:, :4], X[:3])", "tri_solve(L, B) needs B with L's 4 rows"},
            {"logdet(X)", "logdet needs a square matrix, got (4, 5)"},
            {"cholesky(X)", "cholesky needs a square matrix, got (4, 5)"},
            {"max(X, 2)", "axis must be 0 or 1"},
        };
        for (String[] b : bad) {
            ExpressionException e = assertThrows(ExpressionException.class, () -> value(b[0], in), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }

    @Test
    void slicePatternsAreExactAtAnySize() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("X", new DMatrixRMaj(300, 200));
        in.put("W", new DMatrixRMaj(200, 7));
        Graph g = GraphTesting.compile("tanh(concat(X[10:250:3, ::4], X[:5, -50:], 0) @ W[::4])", in);
        SparsityPattern p = GraphPattern.of(g, Functions.standard(), g.inputs().get("X"));
        // each output row (a selected row of X) reads 50 entries of its row of X: exactly
        assertEquals((80 + 5) * 7 * 50L, p.nnz());
        // output (0, 0): row 10 of X, columns 0, 4, 8, … (flattened 10·200 + 4k)
        assertEquals("[2000, 2004, 2008]", Arrays.toString(Arrays.copyOf(p.columns(0, p.scratch()), 3)));
        assertEquals(50, p.columns(0, p.scratch()).length);
    }

    @Test
    void reshapePatternsAreExactWhenRowLengthsDivide() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("X", new DMatrixRMaj(96, 96));
        in.put("W", new DMatrixRMaj(96, 96));
        Graph g = GraphTesting.compile("tanh(reshape(reshape(W @ X, 48, 192), 96, 96))", in);
        SparsityPattern p = GraphPattern.of(g, Functions.standard(), g.inputs().get("X"));
        Graph plain = GraphTesting.compile("tanh(W @ X)", in);
        SparsityPattern want =
                GraphPattern.of(plain, Functions.standard(), plain.inputs().get("X"));
        // out[i, j] reads column j of X (all rows): 96 entries per row, as without the reshapes
        assertEquals(want.nnz(), p.nnz());
        assertEquals(96L * 96 * 96, p.nnz());
        for (long row : new long[] {0, 95, 4000, 9215}) {
            assertEquals(
                    Arrays.toString(want.columns(row, want.scratch())), Arrays.toString(p.columns(row, p.scratch())));
        }
        // neither row length divides the other: entry by entry (a superset beyond 1024 entries), never missing one
        Graph odd = GraphTesting.compile("reshape(X[:, :90], 60, 144)", in);
        SparsityPattern q =
                GraphPattern.of(odd, Functions.standard(), odd.inputs().get("X"));
        assertTrue(q.nnz() >= 60L * 144, "sound: every entry listed");
    }

    @Test
    void aGradientThroughBracketSlicesPrintsExplicitBoundsThatParseBack() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("X", GraphTesting.input("X", 4, 3, new java.util.Random(2)));
        Graph g = GraphTesting.compile("sum(square(X[1:]) * X[-1]) + sum(X[::-2, 0])", in);
        io.adjoint.core.expr.Expr grad = Gradients.of(g, Functions.standard(), java.util.List.of("X"), null)
                .get("X");
        assertTrue(!grad.text.contains("NaN"), grad.text);
        // the printed gradient, parsed back, gives the reverse sweep's gradient
        Graph back = GraphTesting.compile(grad.text, in);
        DMatrixRMaj got = Forward.run(back, in, Functions.standard()).output();
        DMatrixRMaj want = GraphTesting.sweepAll(Forward.run(g, in, Functions.standard()), "X", 1);
        for (int i = 0; i < want.data.length; i++) {
            assertEquals(want.data[i], got.data[i], 1e-12, grad.text);
        }
    }
}
