package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.expr.ExpressionException;
import io.adjoint.core.expr.Parser;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Symbolic VJP rules ({@link Function#vjpExpr}) and the gradient expressions built from them ({@link Gradients}):
 * every op's rule, evaluated, equals its structured VJP — the cotangent times the Jacobian the reverse sweep gives —
 * to 1e-12, and central differences of ⟨G, f⟩ to 1e-6; the printed gradient parses back to the same numbers; the
 * Jacobian of a gradient expression (the Hessian) equals central differences of reverse-mode gradients, and is
 * symmetric for a scalar f; an op without a rule is named.
 */
class SymbolicGradientTest {
    private static final Functions FNS = Functions.standard();

    /** The value of {@code e} on {@code in}. */
    static DMatrixRMaj eval(Expr e, Map<String, DMatrixRMaj> in) {
        Graph g = Graph.compile(e, GraphTesting.shapes(in), FNS);
        return Forward.outputValue(g, in, FNS);
    }

    /** vec(G)ᵀ · J, the VJP with cotangent G of a Jacobian J (size(out) × size(x)), as a row. */
    static double[] vjp(DMatrixRMaj gbar, DMatrixRMaj jac) {
        double[] out = new double[jac.numCols];
        for (int r = 0; r < jac.numRows; r++) {
            for (int c = 0; c < jac.numCols; c++) {
                out[c] += gbar.data[r] * jac.get(r, c);
            }
        }
        return out;
    }

    static DMatrixRMaj random(Shape2 s, long seed) {
        return GraphTesting.input("G", s.rows, s.cols, new Random(seed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.adjoint.core.graph.OpGradientTest#cases")
    void everyRuleEqualsTheStructuredVjpAndDifferences(String name, String[] c) {
        OpCase oc = new OpCase(c);
        String expr = oc.expr;
        Map<String, DMatrixRMaj> in = oc.in;
        Graph g = oc.g;
        List<String> wrt = oc.wrt;
        if (expr.startsWith("cube(")) { // the test user op has no rule: second order names it
            ExpressionException e = assertThrows(ExpressionException.class, () -> Gradients.of(g, FNS, wrt, "G"));
            assertTrue(e.getMessage().contains("symbolic VJP rule of 'cube'"), e.getMessage());
            return;
        }
        Map<String, Expr> grads = Gradients.of(g, FNS, wrt, "G");
        DMatrixRMaj gbar = oc.gbar;
        Map<String, DMatrixRMaj> withG = oc.withG;
        for (String x : wrt) {
            Expr rule = grads.get(x);
            DMatrixRMaj got = eval(rule, withG);
            assertEquals(in.get(x).numRows, got.numRows, expr + " d/d" + x + ": " + rule);
            assertEquals(in.get(x).numCols, got.numCols, expr + " d/d" + x + ": " + rule);
            assertNull(GraphTesting.compare(got, oc.vjp(x), 1e-12, 1e-12), expr + " d/d" + x + " rule " + rule);
            DMatrixRMaj fd = new DMatrixRMaj(
                    got.numRows, got.numCols, true, vjp(gbar, FiniteDifferences.jacobian(g, in, x, 1e-6, FNS)));
            assertNull(GraphTesting.compare(got, fd, 1e-6, 1e-7), expr + " d/d" + x + " rule vs FD " + rule);
            // the printed gradient is in the language: it parses back to the same numbers
            DMatrixRMaj reparsed = eval(Parser.parse(rule.text), withG);
            assertNull(GraphTesting.compare(reparsed, got, 0, 0), rule.text);
        }
    }

    /** Reverse-mode gradient of ⟨G, f⟩ w.r.t. x (from the sweep of f's own local Jacobians, no rule involved). */
    static DMatrixRMaj reverseGradient(Graph g, Map<String, DMatrixRMaj> in, String x, DMatrixRMaj gbar) {
        Forward f = Forward.run(g, in, FNS);
        DMatrixRMaj v = in.get(x);
        return new DMatrixRMaj(v.numRows, v.numCols, true, vjp(gbar, GraphTesting.sweepAll(f, x, 4)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sum(square(tanh(W2 @ tanh(W1 @ X + b1) + b2) - Y)) | W1:4x3 W2:2x4 X:3x5 b1:4x1 b2:2x1 Y:2x5 | X,W1",
                "trace(inv(S) @ X) + sum(X * X) | S:3x3 X:3x3 | X,S",
                "sum(softmax(X, 1) * Y) | X:3x4 Y:3x4 | X",
                "mean(sqrt(P) / (P + 1)) + sum(pow(P, 2.5), 0) @ c | P:3x3 c:3x1 | P,c",
                "sum(sin(X) * cos(X.T) + exp(X) - log(P) * abs(N)) | X:3x3 P:3x3 N:3x3 | X,P,N",
                "sum(sigmoid(X) @ relu(N)) | X:2x3 N:3x2 | X,N",
                "softmax(A @ B, 0) | A:3x2 B:2x4 | A,B",
            })
    void theHessianIsTheJacobianOfTheGradientAndMatchesDifferencesOfGradients(String spec) {
        String[] part = spec.split("\\|", -1);
        String expr = part[0].trim();
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>(
                GraphTesting.inputs(spec.hashCode(), part[1].trim().split(" ")));
        List<String> wrt = List.of(part[2].trim().split(","));
        Graph g = GraphTesting.compile(expr, in);
        boolean scalar = g.outputShape().size() == 1;
        DMatrixRMaj gbar = scalar ? new DMatrixRMaj(1, 1, true, 1.0) : random(g.outputShape(), 3);
        Map<String, Expr> grads = Gradients.of(g, FNS, wrt, scalar ? null : "G");
        Map<String, DMatrixRMaj> withG = new LinkedHashMap<>(in);
        withG.put("G", gbar);
        double h = 1e-5;
        for (String a : wrt) {
            Graph ga = Graph.compile(grads.get(a), GraphTesting.shapes(withG), FNS);
            Forward fa = Forward.run(ga, withG, FNS);
            for (String b : wrt) {
                // H_ab = ∂ grad_a / ∂ b: the Jacobian of the gradient expression, by the reverse sweep
                DMatrixRMaj hess = ga.inputs().containsKey(b)
                        ? GraphTesting.sweepAll(fa, b, 3)
                        : new DMatrixRMaj(in.get(a).getNumElements(), in.get(b).getNumElements());
                // against central differences of reverse-mode gradients (f's own local Jacobians, no rule)
                DMatrixRMaj fd = new DMatrixRMaj(hess.numRows, hess.numCols);
                DMatrixRMaj xb = in.get(b);
                for (int k = 0; k < xb.getNumElements(); k++) {
                    double keep = xb.data[k];
                    xb.data[k] = keep + h;
                    DMatrixRMaj up = reverseGradient(g, in, a, gbar);
                    xb.data[k] = keep - h;
                    DMatrixRMaj down = reverseGradient(g, in, a, gbar);
                    xb.data[k] = keep;
                    for (int r = 0; r < fd.numRows; r++) {
                        fd.set(r, k, (up.data[r] - down.data[r]) / (2 * h));
                    }
                }
                assertNull(GraphTesting.compare(hess, fd, 1e-5, 1e-6), expr + " H[" + a + "," + b + "]");
                if (scalar && a.equals(b)) {
                    DMatrixRMaj ht = new DMatrixRMaj(hess.numCols, hess.numRows);
                    org.ejml.dense.row.CommonOps_DDRM.transpose(hess, ht);
                    assertNull(
                            GraphTesting.compare(hess, ht, 1e-12, 1e-12), expr + " H[" + a + "," + a + "] symmetric");
                }
            }
        }
    }

    /**
     * The reverse-mode gradient through local Jacobians ({@link Gradients#byLocalJacobians}) equals the structured
     * VJP for every op (the user op without a rule included): the independent side of a second-order check.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.adjoint.core.graph.OpGradientTest#cases")
    void theGradientThroughLocalJacobiansIsTheVjp(String name, String[] c) {
        OpCase oc = new OpCase(c);
        Map<String, Expr> grads = Gradients.byLocalJacobians(oc.g, FNS, oc.wrt, "G");
        for (String x : oc.wrt) {
            DMatrixRMaj got = eval(grads.get(x), oc.withG);
            assertNull(GraphTesting.compare(got, oc.vjp(x), 1e-12, 1e-12), oc.expr + " d/d" + x + " " + grads.get(x));
        }
    }

    /**
     * One of {@link OpGradientTest#CASES}: its seeded inputs, the compiled op, a random cotangent G of the output's
     * shape (the inputs with G beside them), and the structured VJP the sweep gives — what a rule must equal.
     */
    private static final class OpCase {
        final String expr;
        final Map<String, DMatrixRMaj> in;
        final Graph g;
        final List<String> wrt;
        final DMatrixRMaj gbar;
        final Map<String, DMatrixRMaj> withG;
        private final Forward forward;

        OpCase(String[] c) {
            expr = c[0];
            in = new LinkedHashMap<>(
                    GraphTesting.inputs(expr.hashCode(), java.util.Arrays.copyOfRange(c, 1, c.length)));
            g = GraphTesting.compile(expr, in);
            wrt = new ArrayList<>(in.keySet());
            gbar = random(g.outputShape(), expr.hashCode() + 1);
            withG = new LinkedHashMap<>(in);
            withG.put("G", gbar);
            forward = Forward.run(g, in, FNS);
        }

        /** vec(G)ᵀ · ∂f/∂x by the reverse sweep, in x's shape. */
        DMatrixRMaj vjp(String x) {
            DMatrixRMaj v = in.get(x);
            return new DMatrixRMaj(
                    v.numRows, v.numCols, true, SymbolicGradientTest.vjp(gbar, GraphTesting.sweepAll(forward, x, 2)));
        }
    }

    /**
     * A user op with the right local Jacobian and a wrong symbolic rule: the Jacobian of the symbolic gradient (what
     * hessian computes) disagrees with central differences of the gradient through local Jacobians — the comparison a
     * second-order check makes — while a correct op's agree.
     */
    @Test
    void aWrongRuleIsSeenBySecondOrderDifferences() {
        for (String op : List.of("wrong_rule", "sin")) {
            Map<String, DMatrixRMaj> in = new LinkedHashMap<>(GraphTesting.inputs(8, "W:3x3", "X:3x3"));
            String expr = "sum(" + op + "(W @ X) * W)";
            Graph g = GraphTesting.compile(expr, in);
            Expr symbolic = Gradients.of(g, FNS, List.of("X"), null).get("X");
            Expr reverse =
                    Gradients.byLocalJacobians(g, FNS, List.of("X"), null).get("X");
            Graph sg = Graph.compile(symbolic, GraphTesting.shapes(in), FNS);
            DMatrixRMaj hess = GraphTesting.sweepAll(Forward.run(sg, in, FNS), "X", 3);
            Graph rg = Graph.compile(reverse, GraphTesting.shapes(in), FNS);
            DMatrixRMaj fd = new DMatrixRMaj(9, 9);
            DMatrixRMaj x = in.get("X");
            for (int k = 0; k < 9; k++) {
                double keep = x.data[k];
                x.data[k] = keep + 1e-6;
                DMatrixRMaj up = Forward.outputValue(rg, in, FNS);
                x.data[k] = keep - 1e-6;
                DMatrixRMaj down = Forward.outputValue(rg, in, FNS);
                x.data[k] = keep;
                for (int r = 0; r < 9; r++) {
                    fd.set(r, k, (up.data[r] - down.data[r]) / 2e-6);
                }
            }
            String diff = GraphTesting.compare(hess, fd, 1e-6, 1e-7);
            if (op.equals("sin")) {
                assertNull(diff, expr);
            } else {
                assertTrue(diff != null, expr + ": a wrong rule must disagree");
            }
        }
    }

    /** Hessians.of (the Java API's in-memory Hessian) equals central differences of reverse-mode gradients. */
    @Test
    void inMemoryHessiansEqualDifferencesOfGradients() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>(GraphTesting.inputs(31, "W:3x4", "X:4x2", "Y:3x2"));
        String expr = "sum(square(tanh(W @ X) - Y))";
        Graph g = GraphTesting.compile(expr, in);
        Map<String, Map<String, DMatrixRMaj>> h = Hessians.of(Parser.parse(expr), in, List.of("X", "W"), null, FNS);
        DMatrixRMaj one = new DMatrixRMaj(1, 1, true, 1.0);
        for (String a : List.of("X", "W")) {
            for (String b : List.of("X", "W")) {
                DMatrixRMaj hab = h.get(a).get(b);
                DMatrixRMaj xb = in.get(b);
                assertEquals(in.get(a).getNumElements(), hab.numRows);
                assertEquals(xb.getNumElements(), hab.numCols);
                for (int k = 0; k < xb.getNumElements(); k++) {
                    double keep = xb.data[k];
                    xb.data[k] = keep + 1e-6;
                    DMatrixRMaj up = reverseGradient(g, in, a, one);
                    xb.data[k] = keep - 1e-6;
                    DMatrixRMaj down = reverseGradient(g, in, a, one);
                    xb.data[k] = keep;
                    for (int r = 0; r < hab.numRows; r++) {
                        double want = (up.data[r] - down.data[r]) / 2e-6;
                        assertEquals(want, hab.get(r, k), 1e-6 + 1e-6 * Math.abs(want), a + "." + b);
                    }
                }
            }
        }
    }

    @Test
    void printedGradientsAreSimplified() {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(1, "W:3x4", "X:4x2");
        Graph g = GraphTesting.compile("sum(tanh(W @ X))", in);
        Map<String, Expr> grads = Gradients.of(g, FNS, List.of("X", "W"), null);
        assertEquals("(W.T @ (1 - square(tanh(W @ X))))", grads.get("X").text);
        assertEquals("((1 - square(tanh(W @ X))) @ X.T)", grads.get("W").text);
        Graph shared = Graph.compile(grads.get("X"), GraphTesting.shapes(in), FNS);
        // W, X, W @ X, tanh, square, 1, 1 − square, W.T, the product
        assertEquals(9, shared.nodes().size(), shared.toString());
        Map<String, Expr> unused = Gradients.of(GraphTesting.compile("sum(W)", in), FNS, List.of("X"), null);
        assertEquals("broadcast_like(0, X)", unused.get("X").text);
        ExpressionException notScalar = assertThrows(
                ExpressionException.class,
                () -> Gradients.of(GraphTesting.compile("W @ X", in), FNS, List.of("X"), null));
        assertTrue(notScalar.getMessage().contains("not a scalar"), notScalar.getMessage());
    }
}
