package io.adjoint.core.check;

/**
 * How large an error random projections would have caught. A projection vᵀJu with v, u independent standard
 * Gaussians sees a single wrong entry J[i, r] + δ as a shift δ·v_i·u_r, where Z = v_i·u_r is the product of two
 * independent standard normals, P(|Z| ≤ z) = ∫₀^∞ 2φ(v)·erf(z / (v√2)) dv. A projection whose threshold is T (and
 * whose own noise is at most T/S) flags the entry for sure when |δ·Z| > T·(1 + 1/S); N independent projections all
 * miss it with probability at most Π_k P(|Z| ≤ T_k·(1 + 1/S) / δ). The detectable size D is the smallest δ for
 * which that is ≤ {@code miss}.
 */
public final class DetectionPower {
    /** The miss probability the stated power refers to: detected with probability ≥ 1 − 10⁻⁶. */
    public static final double MISS = 1e-6;

    private DetectionPower() {}

    /** P(|V·U| ≤ z) for independent standard normals V, U: 0 at z = 0, rising to 1. */
    public static double productAtMost(double z) {
        if (!(z > 0)) {
            return 0;
        }
        if (Double.isInfinite(z)) {
            return 1;
        }
        // Simpson's rule over v ∈ [0, 9] (the tail beyond carries < 1e-18 of the mass)
        int n = 4000;
        double hi = 9;
        double step = hi / n;
        double sum = 0;
        for (int k = 0; k <= n; k++) {
            double v = k * step;
            double f = 2 * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI) * (v == 0 ? 1 : erf(z / (v * Math.sqrt(2))));
            sum += f * (k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2);
        }
        return Math.min(1, sum * step / 3);
    }

    /**
     * The smallest single-entry error δ that projections with these thresholds miss with probability ≤ {@code miss};
     * 0 when every threshold is 0, +∞ when there are none or one is not finite.
     *
     * @param thresholds T_k·(1 + 1/S): the shift each projection is sure to flag
     */
    public static double detectableSize(double[] thresholds, double miss) {
        if (thresholds.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (double t : thresholds) {
            if (!Double.isFinite(t)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, t);
        }
        if (max == 0) {
            return 0;
        }
        double logMiss = Math.log(miss);
        double lo = max * 1e-3; // δ ≤ this: every projection's z ≥ 1000 → P(miss) = 1 per projection
        double hi = max * 1e9;
        if (logMissAll(thresholds, hi) > logMiss) {
            return Double.POSITIVE_INFINITY;
        }
        for (int it = 0; it < 200 && hi / lo > 1 + 1e-6; it++) {
            double mid = Math.sqrt(lo * hi);
            if (logMissAll(thresholds, mid) <= logMiss) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /**
     * How many projections with threshold {@code threshold} each make the detectable size at most {@code target}
     * (at least 1; {@code Integer.MAX_VALUE} when no number does).
     */
    public static int projectionsNeeded(double threshold, double target, double miss) {
        if (threshold <= 0) {
            return 1;
        }
        double p = productAtMost(threshold / target);
        if (p >= 1) {
            return Integer.MAX_VALUE;
        }
        if (p <= 0) {
            return 1;
        }
        double n = Math.ceil(Math.log(miss) / Math.log(p));
        return n >= Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, (int) n);
    }

    private static double logMissAll(double[] thresholds, double delta) {
        double s = 0;
        for (double t : thresholds) {
            double p = productAtMost(t / delta);
            if (p <= 0) {
                return Double.NEGATIVE_INFINITY;
            }
            s += Math.log(p);
        }
        return s;
    }

    /** erf(x) for x ≥ 0 (Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7). */
    static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * x);
        double y = 1
                - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                        * t
                        * Math.exp(-x * x);
        return Math.max(0, y);
    }
}
