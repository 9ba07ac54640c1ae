package io.adjoint.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * Both paths of {@link Lu} — LAPACK (native where it loads, netlib's Java translation otherwise) and EJML — against
 * EJML's inverse and determinant: solves with A and Aᵀ, log|det| and its sign (odd and even permutations), and the
 * refusal of singular matrices with the condition number.
 */
class LuTest {
    @Test
    void bothPathsSolveAndGiveTheDeterminant() {
        Random rng = new Random(12);
        for (boolean lapack : new boolean[] {true, false}) {
            for (int n : new int[] {1, 2, 7, 40}) {
                DMatrixRMaj a = new DMatrixRMaj(n, n);
                for (int i = 0; i < a.data.length; i++) {
                    a.data[i] = rng.nextGaussian();
                }
                DMatrixRMaj b = new DMatrixRMaj(n, 3);
                for (int i = 0; i < b.data.length; i++) {
                    b.data[i] = rng.nextGaussian();
                }
                Lu lu = Lu.of(a, lapack);
                DMatrixRMaj inv = a.copy();
                CommonOps_DDRM.invert(inv);
                DMatrixRMaj invT = new DMatrixRMaj(n, n);
                CommonOps_DDRM.transpose(inv, invT);
                for (boolean t : new boolean[] {false, true}) {
                    DMatrixRMaj want = new DMatrixRMaj(n, 3);
                    CommonOps_DDRM.mult(t ? invT : inv, b, want);
                    DMatrixRMaj got = new DMatrixRMaj(n, 3);
                    lu.solve(b, got, t);
                    for (int i = 0; i < want.data.length; i++) {
                        assertEquals(
                                want.data[i],
                                got.data[i],
                                1e-9 * (1 + Math.abs(want.data[i])),
                                (lapack ? "LAPACK" : "EJML") + " n=" + n + (t ? " Aᵀ" : " A"));
                    }
                }
                double det = CommonOps_DDRM.det(a);
                assertEquals(Math.log(Math.abs(det)), lu.logAbsDet(), 1e-10, "log|det| n=" + n);
                assertEquals(Math.signum(det), lu.signDet(), "sign n=" + n);
            }
        }
    }

    @Test
    void bothPathsRefuseSingularMatrices() {
        DMatrixRMaj exact = new DMatrixRMaj(2, 2, true, 1, 2, 2, 4);
        DMatrixRMaj nearly = new DMatrixRMaj(3, 3, true, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (boolean lapack : new boolean[] {true, false}) {
            for (DMatrixRMaj m : new DMatrixRMaj[] {exact, nearly}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lu.of(m, lapack));
                assertTrue(
                        e.getMessage().startsWith("matrix is singular")
                                && e.getMessage().contains("condition number"),
                        e.getMessage());
            }
        }
    }
}
