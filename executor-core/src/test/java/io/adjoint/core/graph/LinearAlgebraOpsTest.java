package io.adjoint.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.testing.GraphTesting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * solve, det and logdet: values against EJML's own inverse and determinant, det's gradient at a singular matrix
 * against central differences (det is a polynomial: the differences are exact to rounding), and the refusals of a
 * singular matrix with its condition estimate.
 */
class LinearAlgebraOpsTest {
    private static Forward run(String expr, Map<String, DMatrixRMaj> in) {
        return Forward.run(GraphTesting.compile(expr, in), in, Functions.standard());
    }

    @Test
    void valuesEqualInverseAndDeterminant() {
        Random rng = new Random(4);
        for (int n : new int[] {1, 2, 5, 9}) {
            Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
            in.put("A", GraphTesting.input("A", n, n, rng));
            in.put("B", GraphTesting.input("B", n, 3, rng));
            DMatrixRMaj inv = in.get("A").copy();
            CommonOps_DDRM.invert(inv);
            DMatrixRMaj want = new DMatrixRMaj(n, 3);
            CommonOps_DDRM.mult(inv, in.get("B"), want);
            DMatrixRMaj got = run("solve(A, B)", in).output();
            for (int i = 0; i < want.data.length; i++) {
                assertEquals(want.data[i], got.data[i], 1e-10 * (1 + Math.abs(want.data[i])), "solve n=" + n);
            }
            double det = CommonOps_DDRM.det(in.get("A"));
            assertEquals(det, run("det(A)", in).output().data[0], 1e-12 * Math.abs(det), "det n=" + n);
            assertEquals(Math.log(Math.abs(det)), run("logdet(A)", in).output().data[0], 1e-12, "logdet n=" + n);
        }
    }

    @Test
    void detGradientAtASingularMatrixIsTheCofactorMatrix() {
        // rank 3 of 4: A = X Yᵀ with X, Y 4×3, so det A = 0 but its cofactor matrix is not zero
        Random rng = new Random(9);
        DMatrixRMaj x = GraphTesting.input("X", 4, 3, rng);
        DMatrixRMaj y = GraphTesting.input("Y", 4, 3, rng);
        DMatrixRMaj a = new DMatrixRMaj(4, 4);
        CommonOps_DDRM.multTransB(x, y, a);
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", a);
        Forward f = run("det(A)", in);
        assertEquals(0.0, f.output().data[0], 1e-12);
        DMatrixRMaj g = GraphTesting.sweepAll(f, "A", 1);
        double h = 1e-4;
        double largest = 0;
        for (int k = 0; k < 16; k++) {
            double keep = a.data[k];
            a.data[k] = keep + h;
            double up = CommonOps_DDRM.det(a);
            a.data[k] = keep - h;
            double down = CommonOps_DDRM.det(a);
            a.data[k] = keep;
            double want = (up - down) / (2 * h);
            largest = Math.max(largest, Math.abs(want));
            assertEquals(want, g.data[k], 1e-8 * (1 + Math.abs(want)), "∂det/∂A entry " + k);
        }
        assertTrue(largest > 1e-3, "the cofactor matrix of a rank n−1 matrix is not zero: " + largest);
    }

    @Test
    void aSingularMatrixIsRefusedWithItsCondition() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", new DMatrixRMaj(2, 2, true, 1, 2, 2, 4));
        in.put("B", new DMatrixRMaj(2, 1, true, 1, 1));
        for (String e : new String[] {"solve(A, B)", "logdet(A)"}) {
            InvalidInputException x = assertThrows(InvalidInputException.class, () -> run(e, in));
            assertTrue(x.getMessage().startsWith("cannot evaluate '" + e + "': matrix is singular"), x.getMessage());
            assertTrue(x.getMessage().contains("condition number"), x.getMessage());
        }
        // singular to working precision: not an exact zero pivot, a condition number beyond 1/(n·ε)
        in.put("A", new DMatrixRMaj(3, 3, true, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        in.put("B", new DMatrixRMaj(3, 1, true, 1, 1, 1));
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> run("solve(A, B)", in));
        assertTrue(x.getMessage().contains("condition number"), x.getMessage());
        // det stays defined
        assertEquals(0.0, run("det(A)", in).output().data[0], 1e-12);
    }

    @Test
    void choleskyAndTriSolveRefuseWhatTheyCannotFactor() {
        Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
        in.put("A", new DMatrixRMaj(3, 3, true, 4, 1, 0, 1, -2, 0, 0, 0, 1));
        in.put("B", new DMatrixRMaj(3, 1, true, 1, 1, 1));
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> run("cholesky(A)", in));
        assertEquals(
                "cannot evaluate 'cholesky(A)': matrix is not positive definite (its leading minor of order 2 is not"
                        + " positive)",
                x.getMessage());
        in.put("A", new DMatrixRMaj(3, 3, true, 1, 5, 5, 2, 0, 5, 3, 4, 1));
        x = assertThrows(InvalidInputException.class, () -> run("tri_solve(A, B)", in));
        assertTrue(x.getMessage().contains("triangular matrix is singular"), x.getMessage());
        // the upper triangle of L is never read
        in.put("A", new DMatrixRMaj(2, 2, true, 2, 99, 1, 4));
        in.put("B", new DMatrixRMaj(2, 1, true, 2, 9));
        DMatrixRMaj y = run("tri_solve(A, B)", in).output();
        assertEquals(1.0, y.data[0], 0.0);
        assertEquals(2.0, y.data[1], 0.0);
        // cholesky of a symmetric positive-definite matrix: L Lᵀ = A
        in.put("A", new DMatrixRMaj(2, 2, true, 4, 2, 2, 5));
        DMatrixRMaj l = run("cholesky(A)", in).output();
        assertEquals("[2.0, 0.0, 1.0, 2.0]", java.util.Arrays.toString(l.data));
    }
}
