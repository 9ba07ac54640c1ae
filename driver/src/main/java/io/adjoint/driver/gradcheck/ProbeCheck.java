package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.TileStats;
import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.driver.storage.HadoopByteSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * Probe mode, and its bisection. N random projections vᵀJu of the whole Jacobian, v and u Gaussian: analytic vᵀJ
 * from one seeded reverse sweep (or a pass over the stored file), numeric J·u from two forward passes. A projection
 * disagrees when |a − n| > atol·‖v‖·‖u‖ + rtol·rms(n) (for an error matrix E, vᵀEu has the size of ‖E‖_F). A
 * disagreement is localized by bisection over tile ranges of rows and columns — one fresh projection per quarter,
 * keeping the quarters that disagree (at most 64 per level) — down to single tiles, which are then checked in full.
 * Cost: N + 4·(levels)·(failing regions) projections, each one sweep and two forward passes, plus the final tiles.
 */
public final class ProbeCheck {
    private ProbeCheck() {}

    static void run(
            JavaSparkContext jsc,
            Broadcast<CheckData> bc,
            GradcheckRequest req,
            GradcheckResult r,
            Consumer<String> log) {
        Tolerance tol = new Tolerance(req.atol, req.rtol);
        int nRowTiles = r.grid.rowTiles();
        int nColTiles = r.grid.colTiles();
        int[] nextId = {0};
        List<TileRegion> first = new ArrayList<>();
        for (int i = 0; i < req.probes; i++) {
            first.add(new TileRegion(0, nRowTiles, 0, nColTiles, nextId[0]++));
        }
        List<Projection> ps = project(jsc, bc, first, 0);
        double scale = rms(ps);
        r.probes += ps.size();
        int bad = 0;
        for (Projection p : ps) {
            r.maxProbeError = Math.max(r.maxProbeError, Math.abs(p.analytic - p.numeric));
            if (disagrees(p, tol, scale)) {
                bad++;
            }
        }
        r.probesFailed = bad;
        note(
                r,
                log,
                String.format(
                        Locale.ROOT,
                        "%d random projections of the whole Jacobian: %d disagree (largest"
                                + " |analytic − numeric| %.3e; rms of the projections %.3e)",
                        ps.size(),
                        bad,
                        r.maxProbeError,
                        scale));
        if (bad == 0) {
            return;
        }
        List<TileRegion> finals = bisect(jsc, bc, tol, scale, r, nextId, log);
        if (finals.isEmpty()) {
            r.probeLog.add(
                    "no single tile disagreed on its own; the disagreement is spread thin (check with --mode full)");
            return;
        }
        checkTiles(jsc, bc, finals, r, req.worst);
        note(
                r,
                log,
                finals.size() + " tile(s) checked in full: " + r.failed + " of " + r.compared + " entries disagree");
    }

    /** Bisection over tile ranges: keeps the quarters whose fresh projection disagrees; returns the single tiles. */
    private static List<TileRegion> bisect(
            JavaSparkContext jsc,
            Broadcast<CheckData> bc,
            Tolerance tol,
            double scale,
            GradcheckResult r,
            int[] nextId,
            Consumer<String> log) {
        int nRowTiles = r.grid.rowTiles();
        int nColTiles = r.grid.colTiles();
        List<TileRegion> suspects = List.of(new TileRegion(0, nRowTiles, 0, nColTiles, nextId[0]++));
        List<TileRegion> finals = new ArrayList<>();
        int level = 0;
        while (!suspects.isEmpty()) {
            level++;
            List<TileRegion> parts = new ArrayList<>();
            for (TileRegion s : suspects) {
                if (s.single()) {
                    finals.add(s);
                } else {
                    parts.addAll(s.split(nextId));
                }
            }
            if (parts.isEmpty()) {
                break;
            }
            List<Projection> res = project(jsc, bc, parts, level);
            r.probes += res.size();
            Map<Integer, Projection> byId = new HashMap<>();
            for (Projection p : res) {
                byId.put(p.id, p);
            }
            List<TileRegion> next = new ArrayList<>();
            List<double[]> errs = new ArrayList<>();
            for (TileRegion g : parts) {
                Projection p = byId.get(g.id);
                double share = (double) (g.tr1 - g.tr0) * (g.tc1 - g.tc0) / ((double) nRowTiles * nColTiles);
                if (disagrees(p, tol, scale * Math.sqrt(share))) {
                    next.add(g);
                    errs.add(new double[] {Math.abs(p.analytic - p.numeric), next.size() - 1});
                }
            }
            if (next.size() > 64) {
                errs.sort((a, b) -> Double.compare(b[0], a[0]));
                List<TileRegion> kept = new ArrayList<>();
                for (int k = 0; k < 64; k++) {
                    kept.add(next.get((int) errs.get(k)[1]));
                }
                next = kept;
                r.capped = true;
            }
            note(r, log, "level " + level + ": " + parts.size() + " regions probed, " + next.size() + " disagree");
            suspects = next;
        }
        return finals;
    }

    /** The suspect tiles, in full: analytic rows against numeric columns. */
    private static void checkTiles(
            JavaSparkContext jsc, Broadcast<CheckData> bc, List<TileRegion> finals, GradcheckResult r, int worst) {
        List<TileStats> stats = jsc.parallelize(finals, Math.max(1, finals.size()))
                .map(reg -> {
                    CheckData d = bc.value();
                    long r0 = d.grid.rowStart(reg.tr0);
                    long r1 = d.grid.rowEnd(reg.tr0);
                    long c0 = d.grid.colStart(reg.tc0);
                    long c1 = d.grid.colEnd(reg.tc0);
                    DMatrixRMaj rowsBlock = d.analyticRows(r0, r1);
                    DMatrixRMaj cols = d.numericColumns(c0, c1);
                    int h = (int) (r1 - r0);
                    int w = (int) (c1 - c0);
                    DMatrixRMaj a = new DMatrixRMaj(h, w);
                    DMatrixRMaj n = new DMatrixRMaj(h, w);
                    for (int i = 0; i < h; i++) {
                        System.arraycopy(rowsBlock.data, (int) (i * d.grid.cols() + c0), a.data, i * w, w);
                        System.arraycopy(cols.data, (int) ((r0 + i) * w), n.data, i * w, w);
                    }
                    return TileStats.compare(r0, c0, a, n, d.tol, d.worst);
                })
                .collect();
        for (TileStats t : stats) {
            r.add(t, worst);
            r.forwardEvals += 2 * (t.c1 - t.c0);
        }
    }

    private static void note(GradcheckResult r, Consumer<String> log, String line) {
        r.probeLog.add(line);
        if (log != null) {
            log.accept("gradcheck: d/d" + r.input + ": " + line);
        }
    }

    /** Evaluates one projection per region, in parallel. */
    private static List<Projection> project(
            JavaSparkContext jsc, Broadcast<CheckData> bc, List<TileRegion> regions, long salt) {
        return jsc.parallelize(regions, Math.max(1, Math.min(regions.size(), 4 * jsc.defaultParallelism())))
                .map(reg -> projection(bc.value(), reg, salt))
                .collect();
    }

    /** vᵀJu analytic and numeric for Gaussian v, u supported on the region's rows and columns. */
    private static Projection projection(CheckData d, TileRegion reg, long salt) throws java.io.IOException {
        TileGrid g = d.grid;
        long r0 = g.rowStart(reg.tr0);
        long r1 = g.rowEnd(reg.tr1 - 1);
        long c0 = g.colStart(reg.tc0);
        long c1 = g.colEnd(reg.tc1 - 1);
        long s = d.seed * 31 + salt * 1_000_033L + reg.id;
        double[] v = gaussian(s, (int) g.rows(), r0, r1);
        double[] u = gaussian(s ^ 0x5DEECE66DL, (int) g.cols(), c0, c1);
        double analytic = 0;
        if (d.analyticUri != null) {
            try (ByteSource src = HadoopByteSource.open(d.analyticUri, d.conf.get())) {
                long step = Math.max(1, (4L << 20) / Math.max(1, g.cols()));
                for (long a = r0; a < r1; a += step) {
                    long b = Math.min(r1, a + step);
                    DMatrixRMaj blk = NpyReader.readRows(src, d.analyticHeader, 2, a, b, null);
                    for (long rr = a; rr < b; rr++) {
                        double dot = 0;
                        int off = (int) ((rr - a) * g.cols());
                        for (long cc = c0; cc < c1; cc++) {
                            dot += blk.data[off + (int) cc] * u[(int) cc];
                        }
                        analytic += v[(int) rr] * dot;
                    }
                }
            }
        } else if (d.wrtNode >= 0) {
            DMatrixRMaj seed = DMatrixRMaj.wrap(1, (int) g.rows(), v.clone());
            DMatrixRMaj vj = ReverseSweep.sweepSeeded(d.tape, new int[] {d.wrtNode}, seed)[0];
            for (int c = 0; c < u.length; c++) {
                analytic += vj.data[c] * u[c];
            }
        }
        double numeric = 0;
        if (d.wrtNode >= 0) {
            double[] ju = FiniteDifferences.directional(d.graph, d.inputs, d.wrt, u, d.eps, Functions.standard());
            for (int rr = 0; rr < ju.length; rr++) {
                numeric += v[rr] * ju[rr];
            }
        }
        return new Projection(reg.id, analytic, numeric, norm(v), norm(u));
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

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static boolean disagrees(Projection p, Tolerance tol, double rms) {
        return !(Math.abs(p.analytic - p.numeric) <= tol.atol * p.vnorm * p.unorm + tol.rtol * rms);
    }

    static double rms(List<Projection> ps) {
        double s = 0;
        for (Projection p : ps) {
            s += p.numeric * p.numeric;
        }
        return ps.isEmpty() ? 0 : Math.sqrt(s / ps.size());
    }
}
