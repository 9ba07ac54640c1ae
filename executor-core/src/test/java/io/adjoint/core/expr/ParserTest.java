package io.adjoint.core.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {
    /** Structure as a Lisp-like string, to pin precedence. */
    static String tree(Expr e) {
        switch (e.kind) {
            case INPUT:
                return e.name;
            case NUMBER:
                return Expr.format(e.number);
            default: {
                StringBuilder sb = new StringBuilder("(").append(e.name);
                for (Expr a : e.args) {
                    sb.append(' ').append(tree(a));
                }
                return sb.append(')').toString();
            }
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "-X.T | (negative (transpose X))",
                "- -Z | (negative (negative Z))",
                "A - B - C | (subtract (subtract A B) C)",
                "A @ B @ C | (matmul (matmul A B) C)",
                "A + B * C | (add A (multiply B C))",
                "A * B @ C | (matmul (multiply A B) C)",
                "-A @ B | (matmul (negative A) B)",
                "(A + B).T | (transpose (add A B))",
                "A / 2 / B | (divide (divide A 2) B)",
                "tanh(W @ X + b).T | (transpose (tanh (add (matmul W X) b)))",
                "sum(X, 0) | (sum X 0)",
                "pow(X, -0.5) | (pow X -0.5)",
                "2.5e1 * .5 + 1e-3 - 2 | (subtract (add (multiply 25 0.5) 0.001) 2)",
                "X.T.T | (transpose (transpose X))",
            })
    void precedenceAndAssociativityFollowPython(String src, String want) {
        assertEquals(want, tree(Parser.parse(src)));
    }

    @Test
    void negationsAndSubtractionsEvaluateLikeNumpy() {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(1, "A:2x2", "B:2x2", "C:2x2", "Z:2x2");
        Functions f = Functions.standard();
        DMatrixRMaj a = in.get("A");
        DMatrixRMaj b = in.get("B");
        DMatrixRMaj c = in.get("C");
        DMatrixRMaj got =
                Forward.run(GraphTesting.compile("A - B - C", in), in, f).output();
        for (int i = 0; i < 4; i++) {
            assertEquals(a.data[i] - b.data[i] - c.data[i], got.data[i], 1e-15);
        }
        got = Forward.run(GraphTesting.compile("- -Z", in), in, f).output();
        for (int i = 0; i < 4; i++) {
            assertEquals(in.get("Z").data[i], got.data[i], 0.0);
        }
    }

    ExpressionException fails(String expr, String... inputs) {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(2, inputs);
        return assertThrows(ExpressionException.class, () -> {
            Graph g = GraphTesting.compile(expr, in);
            Forward.run(g, in, Functions.standard());
        });
    }

    @Test
    void errorsNameTheColumnTheFunctionsAndTheShapes() {
        ExpressionException e = fails("tanh(W @ X", "W:2x3", "X:3x2");
        assertTrue(
                e.getMessage().startsWith("syntax error at column 11: unbalanced parenthesis: '(' of tanh at column 1"),
                e.getMessage());
        e = fails("W @ X)", "W:2x3", "X:3x2");
        assertTrue(e.getMessage().startsWith("syntax error at column 6: unbalanced parenthesis"), e.getMessage());
        e = fails("W @ @ X", "W:2x3", "X:3x2");
        assertTrue(e.getMessage().startsWith("syntax error at column 5"), e.getMessage());
        e = fails("tanhh(X)", "X:2x2");
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "unknown function 'tanhh' at column 1; known: abs, add, atan, broadcast_like, cholesky, concat, cos, cosh, cube,"),
                e.getMessage());
        e = fails("W @ Y", "W:2x3", "X:3x2");
        assertEquals("undefined input 'Y' at column 5 (inputs given: W, X)", e.getMessage());
        assertEquals("Y", e.undefinedInput());
        e = fails("tanh(W @ X) + 1", "W:2x3", "X:2x2");
        assertEquals(
                "in 'W @ X' at column 6: shape mismatch: (2, 3) @ (2, 2): inner dimensions 3 and 2 differ",
                e.getMessage());
        e = fails("W + X", "W:2x3", "X:3x2");
        assertEquals(
                "in 'W + X' at column 1: shape mismatch: (2, 3) + (3, 2) do not broadcast (each axis must be equal,"
                        + " or 1 in one operand)",
                e.getMessage());
        e = fails("inv(W)", "W:2x3");
        assertTrue(e.getMessage().contains("inv needs a square matrix, got (2, 3)"), e.getMessage());
        e = fails("sum(X, 2)", "X:2x3");
        assertTrue(e.getMessage().startsWith("in 'sum(X, 2)' at column 1: axis must be 0 or 1"), e.getMessage());
        e = fails("softmax(X)", "X:2x3");
        assertTrue(e.getMessage().contains("softmax needs an axis 0 or 1"), e.getMessage());
        e = fails("pow(X, Y)", "X:2x3", "Y:1x1");
        assertEquals(
                "pow at column 1: argument 2 must be a number, got 'Y': pow(A, c) with c a number", e.getMessage());
        e = fails("X ** ", "X:2x3");
        assertTrue(e.getMessage().contains("expression ends where an operand was expected"), e.getMessage());
        e = fails("X ** B", "X:2x3", "B:3x2");
        assertTrue(e.getMessage().contains("(2, 3) ** (3, 2) do not broadcast"), e.getMessage());
        e = fails("", "X:2x3");
        assertEquals("expression is empty", e.getMessage());
        // a ')' where an operand belongs: what is missing, not "')' without '('" (issue 23, item 10)
        e = fails("sum(X,)", "X:2x3");
        assertTrue(
                e.getMessage().startsWith("syntax error at column 7: expected an argument after ','"), e.getMessage());
        e = fails("()", "X:2x3");
        assertTrue(e.getMessage().startsWith("syntax error at column 2: empty parentheses"), e.getMessage());
        e = fails("(X + )", "X:2x3");
        assertTrue(
                e.getMessage().startsWith("syntax error at column 6: expected an operand before ')'"), e.getMessage());
        e = fails(")", "X:2x3");
        assertTrue(
                e.getMessage().startsWith("syntax error at column 1: unbalanced parenthesis: ')' without '('"),
                e.getMessage());
    }

    @Test
    void singularInverseIsAnInputError() {
        Map<String, DMatrixRMaj> in = Map.of("X", new DMatrixRMaj(2, 2));
        Graph g = GraphTesting.compile("inv(X)", in);
        io.adjoint.core.InvalidInputException e = assertThrows(
                io.adjoint.core.InvalidInputException.class, () -> Forward.run(g, in, Functions.standard()));
        assertTrue(e.getMessage().startsWith("cannot evaluate 'inv(X)': matrix is singular"), e.getMessage());
        assertTrue(e.getMessage().contains("condition number"), e.getMessage());
    }

    @Test
    void javaBuilderMakesTheSameGraphAsTheParser() {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(3, "W:3x4", "X:4x2", "b:3x1");
        Expr built = Expr.input("W")
                .matmul(Expr.input("X"))
                .plus(Expr.input("b"))
                .call("tanh")
                .t();
        Expr parsed = Parser.parse("tanh(W @ X + b).T");
        assertEquals(tree(parsed), tree(built));
        Functions f = Functions.standard();
        DMatrixRMaj x = Forward.run(Graph.compile(built, GraphTesting.shapes(in), f), in, f)
                .output();
        DMatrixRMaj y = Forward.run(Graph.compile(parsed, GraphTesting.shapes(in), f), in, f)
                .output();
        assertNull(GraphTesting.compare(x, y, 0, 0));
        assertEquals("(sum X 1)", tree(Expr.call("sum", List.of(Expr.input("X")), 1)));
    }
}
