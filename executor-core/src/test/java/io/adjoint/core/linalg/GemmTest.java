package io.adjoint.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.testing.TestArrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    /** Naive triple loop C = A·B + beta·C0. */
    static double[] naive(double[] a, double[] b, double[] c0, double beta, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int x = 0; x < k; x++) {
                    s += a[i * k + x] * b[x * n + j];
                }
                c[i * n + j] = s + beta * c0[i * n + j];
            }
        }
        return c;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,1", "5,1,3", "3,4,5", "17,33,9", "64,1,64", "2,0,3", "0,4,2", "4,3,0", "100,50,70"})
    void rowMajorGemmEqualsNaiveLoop(int m, int k, int n) {
        Random rng = new Random(m * 1000 + k * 10 + n);
        for (double beta : new double[] {0.0, 1.0, -0.5}) {
            double[] a = TestArrays.random(rng, (long) m * k);
            double[] b = TestArrays.random(rng, (long) k * n);
            double[] c0 = TestArrays.random(rng, (long) m * n);
            DMatrixRMaj c = new DMatrixRMaj(m, n);
            System.arraycopy(c0, 0, c.data, 0, c0.length);
            Gemm.mult(1.0, DMatrixRMaj.wrap(m, k, a), DMatrixRMaj.wrap(k, n, b), beta, c);
            double[] want = naive(a, b, c0, beta, m, k, n);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], c.data[i], 1e-12 * (1 + Math.abs(want[i])), "entry " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"3,4,5,2", "1,1,1,1", "6,1,6,3"})
    void sparseEqualsDense(int b, int k, int n, int seed) {
        Random rng = new Random(seed);
        DMatrixRMaj j = new DMatrixRMaj(k, n);
        for (int i = 0; i < j.data.length; i++) {
            j.data[i] = rng.nextDouble() < 0.3 ? rng.nextGaussian() : 0.0;
        }
        DMatrixRMaj a = DMatrixRMaj.wrap(b, k, TestArrays.random(rng, (long) b * k));
        DMatrixRMaj dense = new DMatrixRMaj(b, n);
        DMatrixRMaj sparse = new DMatrixRMaj(b, n);
        new DenseJacobian(j).multiply(a, 0.0, dense);
        SparseJacobian s = SparseJacobian.fromDense(j);
        s.multiply(a, 0.0, sparse);
        for (int i = 0; i < dense.data.length; i++) {
            assertEquals(dense.data[i], sparse.data[i], 1e-13 * (1 + Math.abs(dense.data[i])));
        }
        // accumulate path: β = 1 adds
        s.multiply(a, 1.0, sparse);
        for (int i = 0; i < dense.data.length; i++) {
            assertEquals(2 * dense.data[i], sparse.data[i], 1e-12 * (1 + Math.abs(dense.data[i])));
        }
    }

    @org.junit.jupiter.api.Test
    void choosesSparseForADiagonalJacobianAndDenseOtherwise() {
        DMatrixRMaj diag = new DMatrixRMaj(200, 200);
        for (int i = 0; i < 200; i++) {
            diag.set(i, i, 1.0 + 0.01 * i);
        }
        JacobianOperand d = JacobianOperand.of(diag, JacobianOperand.DEFAULT_SPARSE_DENSITY);
        assertEquals("sparse", d.kind());
        assertEquals(200, d.nonZeros());
        assertTrue(d.bytes() < 8L * 200 * 200 / 50, "sparse storage is small: " + d.bytes());
        DMatrixRMaj full = DMatrixRMaj.wrap(3, 3, TestArrays.random(new Random(1), 9));
        assertEquals(
                "dense",
                JacobianOperand.of(full, JacobianOperand.DEFAULT_SPARSE_DENSITY).kind());
    }

    @org.junit.jupiter.api.Test
    void shapeErrorsNameBothShapes() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.mult(1, new DMatrixRMaj(3, 4), new DMatrixRMaj(5, 2), 0, new DMatrixRMaj(3, 2)));
        assertEquals("A is 3×4, B is 5×2: inner dimensions 4 and 5 differ", e.getMessage());
    }

    /** C += A[:, c0:c1]·B on A's column panel in place equals the naive loop over those columns (1e-12). */
    @ParameterizedTest
    @CsvSource({"4, 9, 2, 7, 5", "3, 6, 0, 6, 1", "5, 8, 7, 8, 3", "2, 5, 3, 3, 4"})
    void columnPanelProductEqualsNaiveLoop(int m, int k, int c0, int c1, int n) {
        Random rng = new Random(m * 31 + c0);
        DMatrixRMaj a = DMatrixRMaj.wrap(m, k, TestArrays.random(rng, (long) m * k));
        DMatrixRMaj b = DMatrixRMaj.wrap(c1 - c0, n, TestArrays.random(rng, (long) (c1 - c0) * n));
        DMatrixRMaj c = DMatrixRMaj.wrap(m, n, TestArrays.random(rng, (long) m * n));
        double[] want = c.data.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int x = c0; x < c1; x++) {
                    want[i * n + j] += 2.0 * a.get(i, x) * b.get(x - c0, j);
                }
            }
        }
        Gemm.multAddColumns(2.0, a, c0, c1, b, c);
        assertTrue(TestArrays.relError(c.data, want) < 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Gemm.multAddColumns(1.0, a, c0, c1 + 1, b, c));
    }
}
