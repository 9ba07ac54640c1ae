package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * What the elementwise ops return where calculus is silent, and how {@code **} parses — each against a value
 * worked out by hand (PyTorch's conventions: {@code torch.maximum} halves the gradient at ties, {@code torch.pow}'s
 * exponent gradient is 0 where the base is 0 and the exponent ≥ 0).
 */
class ElementwiseSemanticsTest {
    private static Forward run(String expr, Map<String, DMatrixRMaj> in) {
        return Forward.run(GraphTesting.compile(expr, in), in, Functions.standard());
    }

    private static DMatrixRMaj m(int rows, int cols, double... v) {
        return new DMatrixRMaj(rows, cols, true, v);
    }

    @Test
    void powerParsesAsPythonDoes() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("X", m(1, 3, 2, -3, 0.5));
        in.put("B", m(1, 3, 3, 2, 2));
        double[] x = in.get("X").data;
        double[][] want = {
            {-4, -9, -0.25}, // -X ** 2 is -(X ** 2)
            {0.5, -1 / 3.0, 2}, // X ** -1
            {512, 81, Math.pow(0.5, 4)}, // X ** B ** 2 is X ** (B ** 2)
            {8, 9, 0.25}, // X ** B, any matrix exponent
            {0.25, 8, Math.sqrt(0.5)}, // 2 ** -X.T.T is 2 ** (-(X.T.T))
        };
        String[] exprs = {"-X ** 2", "X ** -1", "X ** B ** 2", "X ** B", "2 ** -X.T.T"};
        for (int e = 0; e < exprs.length; e++) {
            DMatrixRMaj y = run(exprs[e], in).output();
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[e][i], y.data[i], 1e-15, exprs[e] + " entry " + i);
            }
        }
    }

    @Test
    void maximumAndMinimumHalveTheGradientAtTies() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", m(1, 3, 1, 2, 3));
        in.put("B", m(1, 3, 0, 2, 5));
        for (String fn : new String[] {"maximum", "minimum"}) {
            Forward f = run(fn + "(A, B)", in);
            DMatrixRMaj ja = GraphTesting.sweepAll(f, "A", 3);
            DMatrixRMaj jb = GraphTesting.sweepAll(f, "B", 3);
            double[] wantA = fn.equals("maximum") ? new double[] {1, 0.5, 0} : new double[] {0, 0.5, 1};
            for (int i = 0; i < 3; i++) {
                assertEquals(wantA[i], ja.get(i, i), 0.0, fn + " d/dA " + i);
                assertEquals(1 - wantA[i], jb.get(i, i), 0.0, fn + " d/dB " + i);
            }
        }
    }

    @Test
    void powerAtAZeroBase() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", m(1, 3, 0, 0, 2));
        in.put("B", m(1, 3, 2, 0, 0));
        Forward f = run("A ** B", in);
        assertEquals(0.0, f.output().data[0]);
        assertEquals(1.0, f.output().data[1]); // 0 ** 0 = 1, as NumPy
        DMatrixRMaj ja = GraphTesting.sweepAll(f, "A", 3);
        DMatrixRMaj jb = GraphTesting.sweepAll(f, "B", 3);
        assertEquals(0.0, ja.get(0, 0)); // 2 · 0^1
        assertEquals(0.0, ja.get(1, 1)); // exponent 0: no dependence on the base
        assertEquals(0.0, jb.get(0, 0)); // base 0, exponent ≥ 0: 0, not 0 · log 0
        assertEquals(0.0, jb.get(1, 1));
        assertEquals(Math.log(2), jb.get(2, 2), 1e-15); // 2^0 · ln 2
    }

    @Test
    void maxAndMinShareTheGradientAmongTiesAndLogsumexpDoesNotOverflow() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", m(2, 3, 5, 1, 5, -2, -2, 0));
        Forward f = run("max(A)", in);
        assertEquals(5.0, f.output().data[0]);
        DMatrixRMaj g = GraphTesting.sweepAll(f, "A", 1);
        assertEquals("[0.5, 0.0, 0.5, 0.0, 0.0, 0.0]", java.util.Arrays.toString(g.data));
        g = GraphTesting.sweepAll(run("min(A, 1)", in), "A", 2);
        // row 0: min 1 (one entry); row 1: min −2 (two entries, ½ each)
        assertEquals("[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.0]", java.util.Arrays.toString(g.data));
        in.put("A", m(1, 3, 1000, 1000, -1000));
        assertEquals(1000 + Math.log(2), run("logsumexp(A)", in).output().data[0], 1e-12);
        in.put("A", m(1, 2, -1000, -1000));
        assertEquals(-1000 + Math.log(2), run("logsumexp(A)", in).output().data[0], 1e-12);
    }
}
