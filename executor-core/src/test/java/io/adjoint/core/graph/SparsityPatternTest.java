package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.GraphPattern;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.core.testing.GraphTesting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structural patterns against the dense Jacobians of the existing sweep, for every op case and every composite
 * expression of the suite: the pattern holds every non-zero, and equals the non-zeros where the rule is exact
 * (all built-ins on generic inputs; not relu, whose derivative vanishes below 0 by value, nor the user op cube,
 * which declares nothing and gets the dense default). Then colourings and the compressed sweep.
 */
class SparsityPatternTest {
    static Stream<Arguments> everyCase() {
        List<Arguments> all = new ArrayList<>();
        for (String[] c : OpGradientTest.CASES) {
            String[] specs = new String[c.length - 1];
            System.arraycopy(c, 1, specs, 0, specs.length);
            all.add(Arguments.of(c[0], String.join(" ", specs)));
        }
        for (String e : ExpressionGradientTest.EXPRESSIONS) {
            String[] p = e.split("\\|", -1);
            all.add(Arguments.of(p[0].trim(), p[1].trim()));
        }
        // broadcasting and transposes in more forms, and a 1×1 output through trace of a product
        all.add(Arguments.of("(X.T + r).T * c | X:3x4 r:1x3 c:3x1", ""));
        all.add(Arguments.of("trace(X @ X.T) + sum(X.T, 1).T | X:3x4", ""));
        all.add(Arguments.of("cube(W @ X) | W:3x4 X:4x5", ""));
        return all.stream().map(a -> {
            Object[] o = a.get();
            String s = (String) o[0];
            if (s.contains("|")) {
                String[] p = s.split("\\|", -1);
                return Arguments.of(p[0].trim(), p[1].trim());
            }
            return a;
        });
    }

    private static boolean exact(String expr) {
        // value-dependent zeros (relu below 0, the losing side of maximum and minimum, all but the extremes of max and
        // min) are listed structurally
        return !expr.contains("relu")
                && !expr.contains("cube")
                && !expr.contains("maximum")
                && !expr.contains("minimum")
                && !expr.startsWith("max(")
                && !expr.startsWith("min(")
                && !expr.contains("eye(")
                // stated supersets: a triangle's zeros (cholesky's upper, tri_solve's reads of L)
                && !expr.startsWith("cholesky(")
                && !expr.startsWith("tri_solve(");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void patternHoldsEveryNonZeroAndIsExactWhereDeclared(String expr, String specs) {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(expr.hashCode(), specs.split(" "));
        Functions fns = Functions.standard();
        Graph g = GraphTesting.compile(expr, in);
        Forward f = Forward.run(g, in, fns);
        for (Map.Entry<String, Integer> x : g.inputs().entrySet()) {
            DMatrixRMaj j = GraphTesting.sweepAll(f, x.getKey(), 5);
            SparsityPattern p = GraphPattern.of(g, fns, x.getValue());
            BoolMatrix pat = p.explicit();
            BoolMatrix nz = BoolMatrix.nonZerosOf(j.numRows, j.numCols, j.data);
            for (int r = 0; r < j.numRows; r++) {
                for (int c : nz.row(r)) {
                    assertTrue(
                            pat.get(r, c),
                            expr + " d/d" + x.getKey() + ": non-zero at (" + r + ", " + c + ") outside the pattern");
                }
            }
            if (exact(expr)) {
                assertEquals(nz, pat, expr + " d/d" + x.getKey() + ": pattern should equal the non-zeros");
            }
            assertEquals(pat.nnz(), p.nnz(), "nnz");
        }
    }

    /** No two rows of one colour share a column: on random patterns, factored and explicit. */
    @Test
    void colouringsAreValidOnRandomPatterns() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            BoolMatrix m = random(rng, 1 + rng.nextInt(30), 1 + rng.nextInt(30), rng.nextDouble() * 0.3);
            int[] count = new int[1];
            int[] colour = RowColouring.greedy(m, count);
            assertValid(m, i -> colour[i], count[0]);
        }
        // factored patterns of random expressions over random shapes: one term and several
        String[] exprs = {"X @ X", "W @ X + X", "(X @ W).T @ X", "softmax(X, 1) * X.T", "sum(X, 0) + X", "X @ X.T"};
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + rng.nextInt(7);
            String e = exprs[trial % exprs.length];
            Map<String, DMatrixRMaj> in = GraphTesting.inputs(trial, "X:" + n + "x" + n, "W:" + n + "x" + n);
            Graph g = GraphTesting.compile(e, in);
            SparsityPattern p =
                    GraphPattern.of(g, Functions.standard(), g.inputs().get("X"));
            RowColouring rc = RowColouring.of(p);
            BoolMatrix explicit = rc.pattern().explicit();
            assertTrue(contains(explicit, p.explicit()), e + ": the coloured pattern must contain the exact one");
            assertValid(explicit, rc::colour, rc.colours());
        }
    }

    /** The MLP d/dX: one term (full, identity), coloured in closed form with the optimum, n colours. */
    @Test
    void theMlpByXTakesNColoursInClosedForm() {
        int n = 300;
        Map<String, Shape2> shapes = Map.of(
                "W1",
                new Shape2(n, n),
                "W2",
                new Shape2(n, n),
                "X",
                new Shape2(n, n),
                "b1",
                new Shape2(n, 1),
                "b2",
                new Shape2(n, 1));
        Graph g = Graph.compile(
                io.adjoint.core.expr.Parser.parse("tanh(W2 @ tanh(W1 @ X + b1) + b2)"), shapes, Functions.standard());
        SparsityPattern p = GraphPattern.of(g, Functions.standard(), g.inputs().get("X"));
        assertEquals(1, p.terms().size());
        assertEquals((long) n * n * n, p.nnz());
        RowColouring rc = RowColouring.of(p);
        assertEquals(n, rc.colours());
        SparsityPattern w1 = GraphPattern.of(g, Functions.standard(), g.inputs().get("W1"));
        assertTrue(w1.isFull(), "d/dW1 is dense");
        assertEquals(n * n, RowColouring.of(w1).colours());
        assertEquals(n, RowColouring.of(p.transposedMatrix()).colours(), "n perturbations for CPR d/dX");
    }

    /** Compressed rows = the dense sweep's rows (1e-12), blocks of 3 and 7 rows, every input of every case. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void compressedRowsEqualTheDenseSweep(String expr, String specs) {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(expr.hashCode() + 1, specs.split(" "));
        Functions fns = Functions.standard();
        Graph g = GraphTesting.compile(expr, in);
        Forward f = Forward.run(g, in, fns);
        int pq = g.outputShape().size();
        for (Map.Entry<String, Integer> x : g.inputs().entrySet()) {
            DMatrixRMaj want = GraphTesting.sweepAll(f, x.getKey(), 4);
            RowColouring rc = RowColouring.of(GraphPattern.of(g, fns, x.getValue()));
            SparsityPattern.Scratch scratch = new SparsityPattern.Scratch(want.numCols);
            // blocks of 3 and 7 rows, their seeds swept at once, and 7 rows' swept 2 at a time (a memory-bound group)
            for (int[] rowsAndGroup : new int[][] {{3, Integer.MAX_VALUE}, {7, Integer.MAX_VALUE}, {7, 2}}) {
                int rows = rowsAndGroup[0];
                DMatrixRMaj got = new DMatrixRMaj(pq, want.numCols);
                for (int r0 = 0; r0 < pq; r0 += rows) {
                    int r1 = Math.min(pq, r0 + rows);
                    CompressedSweep.Block b = CompressedSweep.sweep(f.tape, x.getValue(), rc, r0, r1, rowsAndGroup[1]);
                    DMatrixRMaj blk = new DMatrixRMaj(r1 - r0, want.numCols);
                    b.expandInto(blk, scratch);
                    System.arraycopy(blk.data, 0, got.data, r0 * want.numCols, blk.getNumElements());
                }
                for (int i = 0; i < want.data.length; i++) {
                    assertEquals(
                            want.data[i],
                            got.data[i],
                            1e-12 * Math.max(1, Math.abs(want.data[i])),
                            expr + " d/d" + x.getKey() + " entry " + i + " (blocks of " + rows + ", seeds "
                                    + rowsAndGroup[1] + " at a time)");
                }
            }
        }
    }

    /**
     * Curtis–Powell–Reid: central differences with each colour of the column colouring perturbed at once equal the
     * one-entry-at-a-time differences (1e-9), and the transposed pattern is the transpose of the pattern.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void compressedDifferencesEqualOneEntryAtATime(String expr, String specs) {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(expr.hashCode() + 2, specs.split(" "));
        Functions fns = Functions.standard();
        Graph g = GraphTesting.compile(expr, in);
        for (Map.Entry<String, Integer> x : g.inputs().entrySet()) {
            SparsityPattern p = GraphPattern.of(g, fns, x.getValue());
            assertEquals(p.explicit().transpose(), p.transposedMatrix().explicit(), expr + " transposed pattern");
            RowColouring byColumn = RowColouring.of(p.transposedMatrix());
            int size = in.get(x.getKey()).getNumElements();
            DMatrixRMaj want = FiniteDifferences.columns(g, in, x.getKey(), 0, size, 1e-6, fns);
            for (int c0 = 0; c0 < size; c0 += 5) {
                int c1 = Math.min(size, c0 + 5);
                DMatrixRMaj got = io.adjoint.core.sparsity.CompressedDifferences.columns(
                        new Differencing(g, in, x.getKey(), 1e-6, fns, 8), byColumn, c0, c1);
                for (int r = 0; r < want.numRows; r++) {
                    for (int c = c0; c < c1; c++) {
                        double w = want.get(r, c);
                        assertEquals(
                                w,
                                got.get(r, c - c0),
                                1e-9 * Math.max(1, Math.abs(w)),
                                expr + " d/d" + x.getKey() + " (" + r + ", " + c + ")");
                    }
                }
            }
        }
    }

    private static BoolMatrix random(Random rng, int rows, int cols, double density) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble() < density ? 1 : 0;
        }
        return BoolMatrix.nonZerosOf(rows, cols, d);
    }

    private static boolean contains(BoolMatrix big, BoolMatrix small) {
        for (int r = 0; r < small.rows; r++) {
            for (int c : small.row(r)) {
                if (!big.get(r, c)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void assertValid(BoolMatrix m, java.util.function.IntUnaryOperator colour, int colours) {
        int[] owner = new int[m.cols];
        for (int c = 0; c < colours; c++) {
            java.util.Arrays.fill(owner, -1);
            for (int r = 0; r < m.rows; r++) {
                if (colour.applyAsInt(r) != c) {
                    continue;
                }
                for (int col : m.row(r)) {
                    assertEquals(
                            -1,
                            owner[col],
                            "rows " + owner[col] + " and " + r + " of colour " + c + " share column " + col);
                    owner[col] = r;
                }
            }
        }
        for (int r = 0; r < m.rows; r++) {
            int c = colour.applyAsInt(r);
            assertTrue(c < colours, "colour in range");
            assertEquals(m.row(r).length == 0, c < 0, "a row is uncoloured exactly when empty, row " + r);
        }
    }
}
