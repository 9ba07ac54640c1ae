package io.adjoint.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched products against naive loops (1e-12 relative to the largest entry), on both sides of
 * {@link Batched#PER_BLOCK_MIN_COLS}: Ū_b += α·M·V̄_b (one GEMM for all blocks, or one per wide block) and
 * Ū_b += α·V̄_b·M, accumulating onto a non-zero start.
 */
class BatchedTest {
    static DMatrixRMaj random(Random rng, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    @ParameterizedTest(name = "B={0} k={1} n={2} m={3}")
    @CsvSource({"3, 4, 5, 6", "1, 1, 1, 1", "4, 7, 3, 31", "3, 5, 4, 32", "4, 7, 3, 255", "3, 5, 4, 256", "2, 3, 6, 300"
    })
    void leftAndRightProductsEqualNaiveLoops(int b, int k, int n, int m) {
        Random rng = new Random(b * 1000 + m);
        DMatrixRMaj mat = random(rng, k, n);
        DMatrixRMaj v = random(rng, b, n * m);
        DMatrixRMaj u = random(rng, b, k * m);
        DMatrixRMaj want = u.copy();
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int l = 0; l < n; l++) {
                        s += mat.get(i, l) * v.data[r * n * m + l * m + j];
                    }
                    want.data[r * k * m + i * m + j] += -0.5 * s;
                }
            }
        }
        Batched.leftMultiplyAdd(mat, v, n, m, -0.5, u);
        assertClose(want, u);

        // right: Ū_b (n×k) += α·V̄_b (n×m)·M (m×k)
        DMatrixRMaj right = random(rng, m, k);
        DMatrixRMaj ur = random(rng, b, n * k);
        DMatrixRMaj wantR = ur.copy();
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int l = 0; l < m; l++) {
                        s += v.data[r * n * m + i * m + l] * right.get(l, j);
                    }
                    wantR.data[r * n * k + i * k + j] += 2.0 * s;
                }
            }
        }
        Batched.rightMultiplyAdd(v, n, m, right, 2.0, ur);
        assertClose(wantR, ur);
    }

    static void assertClose(DMatrixRMaj want, DMatrixRMaj got) {
        double scale = 1;
        for (double x : want.data) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < want.data.length; i++) {
            assertEquals(want.data[i], got.data[i], 1e-12 * scale, "entry " + i);
        }
    }
}
