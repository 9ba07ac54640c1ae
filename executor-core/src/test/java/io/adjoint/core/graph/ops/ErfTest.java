package io.adjoint.core.graph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * erf and its tail erfc against SciPy 1.x ({@code scipy.special.erf}, {@code erfc}; values printed with repr), to
 * 2 ulp-ish relative: the series below 3, the continued fraction above.
 */
class ErfTest {
    @Test
    void erfEqualsScipy() {
        double[][] want = {
            {0, 0.0},
            {1e-8, 1.1283791670955125e-08},
            {0.1, 0.1124629160182849},
            {-0.5, -0.5204998778130465},
            {1, 0.8427007929497148},
            {2.5, 0.999593047982555},
            {2.99, 0.9999764743969194},
            {3, 0.9999779095030014},
            {3.5, 0.9999992569016276},
            {-4, -0.9999999845827421},
            {6, 1.0},
            {27, 1.0}
        };
        for (double[] w : want) {
            assertEquals(w[1], Erf.erf(w[0]), 2e-15 * Math.abs(w[1]), "erf(" + w[0] + ")");
        }
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    }

    @Test
    void erfcTailEqualsScipy() {
        double[][] want = {
            {3, 2.2090496998585445e-05},
            {3.5, 7.430983723414129e-07},
            {5, 1.5374597944280347e-12},
            {10, 2.0884875837625446e-45}
        };
        for (double[] w : want) {
            assertEquals(w[1], Erf.erfc(w[0]), 1e-14 * w[1], "erfc(" + w[0] + ")");
        }
    }
}
