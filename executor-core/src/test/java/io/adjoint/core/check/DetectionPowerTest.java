package io.adjoint.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The product-of-normals law against a seeded Monte Carlo sample, and the detectable size it implies. */
class DetectionPowerTest {
    @Test
    void productLawMatchesMonteCarlo() {
        Random rng = new Random(3);
        int n = 400_000;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = Math.abs(rng.nextGaussian() * rng.nextGaussian());
        }
        Arrays.sort(z);
        for (double q : new double[] {0.01, 0.1, 0.3, 0.5, 0.9, 0.99}) {
            double at = z[(int) (q * n)];
            // binomial sampling error of the empirical CDF: sqrt(q(1−q)/n) ≤ 8e-4; the quadrature is far finer
            assertEquals(q, DetectionPower.productAtMost(at), 4e-3, "P(|VU| ≤ " + at + ")");
        }
        assertEquals(0, DetectionPower.productAtMost(0));
        assertEquals(1, DetectionPower.productAtMost(Double.POSITIVE_INFINITY));
    }

    @Test
    void detectableSizeMeansMissProbabilityAtMostTheTarget() {
        double[] t = new double[16];
        Arrays.fill(t, 1e-6);
        double d = DetectionPower.detectableSize(t, 1e-6);
        // at D the 16 projections all miss with probability 1e-6: P(|Z| ≤ 1e-6 / D)^16 = 1e-6
        assertEquals(Math.pow(10, -6.0 / 16), DetectionPower.productAtMost(1e-6 / d), 1e-4);
        assertTrue(d > 1e-6 && d < 1e-4, "D = " + d);
        // more projections detect smaller errors; a larger threshold only larger ones
        double[] t64 = new double[64];
        Arrays.fill(t64, 1e-6);
        assertTrue(DetectionPower.detectableSize(t64, 1e-6) < d);
        t[0] = 1e-3;
        assertTrue(DetectionPower.detectableSize(t, 1e-6) > d);
        assertEquals(Double.POSITIVE_INFINITY, DetectionPower.detectableSize(new double[0], 1e-6));
        assertEquals(0, DetectionPower.detectableSize(new double[] {0, 0}, 1e-6));
    }

    @Test
    void projectionsNeededReachTheTarget() {
        int n = DetectionPower.projectionsNeeded(1e-6, 1e-6, 1e-6);
        double[] t = new double[n];
        Arrays.fill(t, 1e-6);
        assertTrue(DetectionPower.detectableSize(t, 1e-6) <= 1e-6 * 1.0001, n + " projections");
        double[] fewer = Arrays.copyOf(t, n - 1);
        assertTrue(DetectionPower.detectableSize(fewer, 1e-6) > 1e-6, (n - 1) + " projections are not enough");
    }
}
