package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.linalg.Gemm;
import io.adjoint.core.testing.GraphTesting;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, alone: its structured VJP equals the contraction with its dense local Jacobian (1e-12), and
 * that dense Jacobian equals central finite differences (h = 1e-6: rtol 1e-6, atol 1e-7). The coverage
 * test fails when a built-in function has no case here.
 */
class OpGradientTest {
    /** expression, then input specs (name:rows x cols; P positive, N away from 0, S well-conditioned square). */
    static final List<String[]> CASES = List.of(
            new String[] {"tanh(X)", "X:3x4"},
            new String[] {"sigmoid(X)", "X:4x2"},
            new String[] {"relu(N)", "N:3x3"},
            new String[] {"exp(X)", "X:2x5"},
            new String[] {"log(P)", "P:3x2"},
            new String[] {"sin(X)", "X:3x3"},
            new String[] {"cos(X)", "X:2x3"},
            new String[] {"sqrt(P)", "P:4x1"},
            new String[] {"square(X)", "X:1x5"},
            new String[] {"abs(N)", "N:3x2"},
            new String[] {"-X", "X:2x4"},
            new String[] {"negative(X)", "X:2x2"},
            new String[] {"pow(P, -0.5)", "P:3x3"},
            new String[] {"pow(P, 3)", "P:2x3"},
            new String[] {"pow(P, 1.5)", "P:3x2"},
            new String[] {"A + B", "A:3x4", "B:3x4"},
            new String[] {"A + r", "A:3x4", "r:1x4"},
            new String[] {"A + c", "A:3x4", "c:3x1"},
            new String[] {"c + r", "c:3x1", "r:1x4"},
            new String[] {"A + 2.5", "A:2x3"},
            new String[] {"A - B", "A:3x4", "B:3x4"},
            new String[] {"s - A", "s:1x1", "A:3x2"},
            new String[] {"A - r", "A:3x4", "r:1x4"},
            new String[] {"A * B", "A:3x4", "B:3x4"},
            new String[] {"c * A", "c:3x1", "A:3x4"},
            new String[] {"A * s", "A:2x3", "s:1x1"},
            new String[] {"A / N", "A:3x4", "N:3x4"},
            new String[] {"A / N", "A:3x4", "N:1x4"},
            new String[] {"N / A", "N:3x1", "A:3x2"},
            new String[] {"A @ B", "A:3x4", "B:4x2"},
            new String[] {"A @ B", "A:1x1", "B:1x3"},
            new String[] {"A @ B", "A:5x1", "B:1x5"},
            new String[] {"X.T", "X:3x5"},
            new String[] {"transpose(X)", "X:2x3"},
            new String[] {"sum(X)", "X:3x4"},
            new String[] {"sum(X, 0)", "X:3x4"},
            new String[] {"sum(X, 1)", "X:3x4"},
            new String[] {"mean(X)", "X:3x4"},
            new String[] {"mean(X, 0)", "X:2x5"},
            new String[] {"mean(X, 1)", "X:2x5"},
            new String[] {"trace(X)", "X:4x4"},
            new String[] {"trace(X)", "X:3x5"},
            new String[] {"inv(S)", "S:4x4"},
            new String[] {"inv(S)", "S:1x1"},
            new String[] {"softmax(X, 1)", "X:3x4"},
            new String[] {"softmax(X, 0)", "X:3x4"},
            new String[] {"add(A, B)", "A:2x2", "B:1x2"},
            new String[] {"subtract(A, B)", "A:2x2", "B:2x1"},
            new String[] {"multiply(A, B)", "A:2x2", "B:2x2"},
            new String[] {"divide(A, N)", "A:2x2", "N:2x2"},
            new String[] {"matmul(A, B)", "A:2x3", "B:3x2"},
            new String[] {"sign(N)", "N:3x2"},
            new String[] {"step(N)", "N:2x3"},
            new String[] {"broadcast_like(r, A)", "r:1x4", "A:3x4"},
            new String[] {"broadcast_like(c, A)", "c:3x1", "A:3x4"},
            new String[] {"broadcast_like(s, A)", "s:1x1", "A:2x3"},
            new String[] {"broadcast_like(B, A)", "B:2x3", "A:2x3"},
            new String[] {"eye_like(X)", "X:3x4"},
            new String[] {"cube(X)", "X:2x3"},
            new String[] {"log1p(P)", "P:3x2"},
            new String[] {"expm1(X)", "X:2x3"},
            new String[] {"softplus(X)", "X:3x3"},
            new String[] {"log_sigmoid(X)", "X:3x2"},
            new String[] {"tan(0.3 * X)", "X:2x3"},
            new String[] {"atan(X)", "X:3x2"},
            new String[] {"sinh(X)", "X:2x2"},
            new String[] {"cosh(X)", "X:2x3"},
            new String[] {"erf(X)", "X:3x3"},
            new String[] {"P ** X", "P:3x2", "X:3x2"},
            new String[] {"P ** r", "P:3x2", "r:1x2"},
            new String[] {"power(P, X)", "P:2x2", "X:2x1"},
            new String[] {"P ** 2.5", "P:2x3"},
            new String[] {"maximum(A, B)", "A:3x4", "B:3x4"},
            new String[] {"maximum(A, r)", "A:3x4", "r:1x4"},
            new String[] {"minimum(A, B)", "A:3x4", "B:3x4"},
            new String[] {"minimum(c, A)", "c:3x1", "A:3x4"},
            new String[] {"solve(S, B)", "S:4x4", "B:4x3"},
            new String[] {"solve(S, b)", "S:3x3", "b:3x1"},
            new String[] {"logdet(S)", "S:4x4"},
            new String[] {"logdet(A)", "A:3x3"},
            new String[] {"det(A)", "A:4x4"},
            new String[] {"det(S)", "S:1x1"},
            new String[] {"cholesky(S @ S.T)", "S:3x3"},
            new String[] {"cholesky(S)", "S:4x4"},
            new String[] {"tri_solve(S, B)", "S:4x4", "B:4x2"},
            new String[] {"tri_solve(S, b)", "S:3x3", "b:3x1"},
            new String[] {"tril(X)", "X:3x4"},
            new String[] {"max(X)", "X:3x4"},
            new String[] {"max(X, 0)", "X:3x4"},
            new String[] {"min(X, 1)", "X:3x4"},
            new String[] {"min(X)", "X:2x3"},
            new String[] {"logsumexp(X)", "X:3x4"},
            new String[] {"logsumexp(X, 0)", "X:3x4"},
            new String[] {"logsumexp(X, 1)", "X:2x5"},
            new String[] {"norm(X)", "X:3x4"},
            new String[] {"norm(X, 0)", "X:3x4"},
            new String[] {"norm(X, 1)", "X:2x5"},
            new String[] {"X[1:3, 0:4:2]", "X:4x5"},
            new String[] {"X[-1]", "X:3x4"},
            new String[] {"X[:, 2]", "X:3x4"},
            new String[] {"X[::2, -2:]", "X:5x3"},
            new String[] {"X[::-1, 3:0:-2]", "X:3x5"},
            new String[] {"X[1::-1]", "X:3x2"},
            new String[] {"slice(X, 0, 2, 1, 1, 3, 1)", "X:3x3"},
            new String[] {"unslice(U, A, 0, 2, 1, 1, 4, 2)", "U:2x2", "A:3x4"},
            new String[] {"concat(A, B, 0)", "A:2x3", "B:1x3"},
            new String[] {"concat(A, B, C, 1)", "A:2x1", "B:2x3", "C:2x2"},
            new String[] {"reshape(X, 2, 6)", "X:3x4"},
            new String[] {"reshape(X, -1, 1)", "X:2x3"},
            new String[] {"diag(c)", "c:3x1"},
            new String[] {"diag(r)", "r:1x4"},
            new String[] {"diag(S)", "S:3x3"},
            new String[] {"kron(A, B)", "A:2x3", "B:2x2"},
            new String[] {"kron(c, B)", "c:3x1", "B:1x2"},
            new String[] {"eye(3) * X", "X:3x3"},
            new String[] {"ones(2, 3) * X", "X:2x3"},
            new String[] {"zeros(2, 3) + X", "X:2x3"});

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return CASES.stream().map(c -> org.junit.jupiter.params.provider.Arguments.of(c[0], c));
    }

    static String fn(String expr) {
        if (expr.contains("@")) {
            return "matmul";
        }
        if (expr.contains("[")) {
            return "slice";
        }
        if (expr.contains(" ** ")) {
            return "power";
        }
        if (expr.contains(".T")) {
            return "transpose";
        }
        if (expr.startsWith("-")) {
            return "negative";
        }
        if (expr.contains("(")) {
            return expr.substring(0, expr.indexOf('('));
        }
        if (expr.contains(" + ")) {
            return "add";
        }
        if (expr.contains(" - ")) {
            return "subtract";
        }
        if (expr.contains(" * ")) {
            return "multiply";
        }
        return "divide";
    }

    @Test
    void everyBuiltinFunctionHasAGradientTest() {
        Set<String> covered = CASES.stream().map(c -> fn(c[0])).collect(Collectors.toCollection(TreeSet::new));
        Set<String> builtins =
                Functions.builtins().stream().map(Function::name).collect(Collectors.toCollection(TreeSet::new));
        builtins.removeAll(covered);
        assertEquals(Set.of(), builtins, "built-in functions without a gradient test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void structuredVjpEqualsDenseEqualsFiniteDifferences(String name, String[] c) {
        String expr = c[0];
        Map<String, DMatrixRMaj> in =
                GraphTesting.inputs(expr.hashCode(), java.util.Arrays.copyOfRange(c, 1, c.length));
        Graph g = GraphTesting.compile(expr, in);
        Functions fns = Functions.standard();
        Forward f = Forward.run(g, in, fns);
        // the value-only pass finite differences use gives exactly the same numbers
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                f.output().data, Forward.outputValue(g, in, fns).data, expr + ": value() = apply().value");
        Graph.Node root = g.node(g.output());
        assertEquals(Graph.Kind.APPLY, root.kind);
        Random rng = new Random(5);
        for (int a = 0; a < root.args.length; a++) {
            Graph.Node arg = g.node(root.args[a]);
            if (arg.kind != Graph.Kind.INPUT) {
                continue;
            }
            LocalJacobian lj = f.tape.jacobians[root.id][a];
            DMatrixRMaj dense = lj.dense();
            assertEquals(root.shape.size(), dense.numRows);
            assertEquals(arg.shape.size(), dense.numCols);
            // dense closed form vs central differences
            DMatrixRMaj fd = FiniteDifferences.jacobian(g, in, arg.name, 1e-6, fns);
            assertNull(GraphTesting.compare(dense, fd, 1e-6, 1e-7), expr + " d/d" + arg.name + " dense vs FD");
            // structured VJP on a random block (B = 4), accumulating onto a non-zero start, vs Ȳ·dense
            DMatrixRMaj ybar = new DMatrixRMaj(4, root.shape.size());
            DMatrixRMaj start = new DMatrixRMaj(4, arg.shape.size());
            for (int i = 0; i < ybar.data.length; i++) {
                ybar.data[i] = rng.nextGaussian();
            }
            for (int i = 0; i < start.data.length; i++) {
                start.data[i] = rng.nextGaussian();
            }
            DMatrixRMaj got = start.copy();
            lj.vjpAdd(ybar, got);
            DMatrixRMaj want = start.copy();
            Gemm.mult(1.0, ybar, dense, 1.0, want);
            assertNull(GraphTesting.compare(got, want, 1e-12, 1e-12), expr + " d/d" + arg.name + " VJP vs dense");
            // a selection block (one non-zero per row, columns repeating, any values): both of its paths
            Selection sel = new Selection(
                    new int[] {root.shape.size() - 1, 0, root.shape.size() / 2, 0},
                    new double[] {1.5, -2.0, 0.25, 3.0},
                    root.shape.size());
            DMatrixRMaj wantSel = start.copy();
            Gemm.mult(1.0, sel.toDense(), dense, 1.0, wantSel);
            DMatrixRMaj gotSel = start.copy();
            lj.vjpAddSelection(sel, gotSel);
            assertNull(
                    GraphTesting.compare(gotSel, wantSel, 1e-12, 1e-12), expr + " d/d" + arg.name + " selection VJP");
            Selection mapped = lj.mapSelection(sel);
            if (mapped != null) {
                DMatrixRMaj viaMap = start.copy();
                mapped.addTo(viaMap);
                assertNull(
                        GraphTesting.compare(viaMap, wantSel, 1e-12, 1e-12),
                        expr + " d/d" + arg.name + " mapped selection");
            }
            // and the sweep over all rows gives the dense Jacobian
            assertNull(
                    GraphTesting.compare(GraphTesting.sweepAll(f, arg.name, 3), dense, 1e-12, 1e-12), expr + " sweep");
        }
        assertTrue(root.args.length > 0);
    }
}
