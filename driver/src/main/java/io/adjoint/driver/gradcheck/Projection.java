package io.adjoint.driver.gradcheck;

import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.Serializable;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * One projection's outcome: vᵀJu analytic and numeric, the numeric value's estimated error (its noise), and the
 * threshold {@code SAFETY}·noise beyond which the two disagree.
 */
public final class Projection implements Serializable {
    private static final long serialVersionUID = 1L;
    /** How many times its own noise estimate a projection's difference may reach before it disagrees. */
    public static final double SAFETY = 10;
    /** Unit roundoff of float64. */
    private static final double EPS = Math.ulp(1.0) / 2;

    final int id;
    final double analytic;
    final double numeric;
    /** Estimated error of {@link #numeric} (truncation and rounding) plus the analytic side's rounding. */
    final double noise;

    Projection(int id, double analytic, double numeric, double noise) {
        this.id = id;
        this.analytic = analytic;
        this.numeric = numeric;
        this.noise = noise;
    }

    double error() {
        return Math.abs(analytic - numeric);
    }

    double threshold() {
        return SAFETY * noise;
    }

    /** Beyond its threshold, or not finite (a NaN or infinite value never passes). */
    boolean disagrees() {
        return !Double.isFinite(analytic) || !Double.isFinite(numeric) || !(error() <= threshold());
    }

    /**
     * vᵀJu analytic and numeric for Gaussian v, u supported on the region's rows and columns, and the numeric
     * value's noise: |n_h − n_2h| (truncation, which scales as h², and rounding, which differs between the two
     * steps) plus the rounding model 4ε·sqrt(Σ v_i²·(|f_i(x + hu)| + |f_i(x − hu)|)²)/(2h) (rounding errors of the
     * entries are independent, so they add in quadrature), plus 64ε·Σ|v_i||J_ic||u_c| for
     * the analytic side (Σ_c |vᵀJ|_c|u_c| when J comes from the sweep). Four forward passes and one sweep.
     */
    static Projection measure(CheckData d, TileRegion reg, long salt) throws java.io.IOException {
        TileGrid g = d.grid;
        long r0 = g.rowStart(reg.tr0);
        long r1 = g.rowEnd(reg.tr1 - 1);
        long c0 = g.colStart(reg.tc0);
        long c1 = g.colEnd(reg.tc1 - 1);
        long s = d.seed * 31 + salt * 1_000_033L + reg.id;
        double[] v = gaussian(s, (int) g.rows(), r0, r1);
        double[] u = gaussian(s ^ 0x5DEECE66DL, (int) g.cols(), c0, c1);
        double analytic = 0;
        double absScale = 0;
        if (d.analyticUri != null) {
            try (ByteSource src = HadoopByteSource.open(d.analyticUri, d.conf.get())) {
                long step = Math.max(1, (4L << 20) / Math.max(1, g.cols()));
                for (long a = r0; a < r1; a += step) {
                    long b = Math.min(r1, a + step);
                    DMatrixRMaj blk = NpyReader.readRows(src, d.analyticHeader, d.analyticRowDims, a, b, null);
                    for (long rr = a; rr < b; rr++) {
                        double dot = 0;
                        double abs = 0;
                        int off = (int) ((rr - a) * g.cols());
                        for (long cc = c0; cc < c1; cc++) {
                            double term = blk.data[off + (int) cc] * u[(int) cc];
                            dot += term;
                            abs += Math.abs(term);
                        }
                        analytic += v[(int) rr] * dot;
                        absScale += Math.abs(v[(int) rr]) * abs;
                    }
                }
            }
        } else if (d.analyticWrtNode >= 0) {
            DMatrixRMaj seed = DMatrixRMaj.wrap(1, (int) g.rows(), v.clone());
            DMatrixRMaj vj = ReverseSweep.sweepSeeded(Evaluations.of(d).tape(), new int[] {d.analyticWrtNode}, seed)[0];
            for (int c = 0; c < u.length; c++) {
                analytic += vj.data[c] * u[c];
                absScale += Math.abs(vj.data[c] * u[c]);
            }
        }
        double numeric = 0;
        double noise = 64 * EPS * absScale;
        if (d.wrtNode >= 0) {
            double[] fd = FiniteDifferences.projectedWithError(
                    d.graph, Evaluations.of(d).inputs, d.wrt, u, v, d.eps, Functions.standard());
            numeric = fd[0];
            noise += Math.abs(fd[0] - fd[1]) + 4 * EPS * Math.sqrt(fd[2]) / (2 * d.eps);
        }
        return new Projection(reg.id, analytic, numeric, noise);
    }

    /** A seeded Gaussian vector of length n, zero outside [a, b). */
    static double[] gaussian(long seed, int n, long a, long b) {
        Random rng = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            if (i >= a && i < b) {
                v[i] = g;
            }
        }
        return v;
    }
}
