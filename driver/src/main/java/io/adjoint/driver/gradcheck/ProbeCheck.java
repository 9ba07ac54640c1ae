package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.DetectionPower;
import io.adjoint.core.check.TileStats;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.exec.Tasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Probe mode, and its bisection. N random projections vᵀJu of the whole Jacobian, v and u Gaussian: analytic vᵀJ
 * from one seeded reverse sweep (or a pass over the stored file), numeric J·u from central differences at steps h
 * and 2h. A projection disagrees when |analytic − numeric| exceeds {@link Projection#SAFETY} times the numeric value's
 * own measured noise (see {@link Projection#measure}) — a threshold from the differences' error, not from the tolerances,
 * so an error far below atol·‖v‖·‖u‖ is still seen. {@link DetectionPower} turns the thresholds into the size of a
 * single wrong entry detected with probability ≥ 1 − 10⁻⁶; without --probes, N grows from 16 (up to 64) until that
 * size is at most atol. A disagreement is localized by bisection over tile ranges of rows and columns — one fresh
 * projection per quarter, keeping the quarters that disagree (at most 64 per level) — down to single tiles, which
 * are then checked in full against atol and rtol. Cost: N + 4·(levels)·(failing regions) projections, each one sweep
 * and four forward passes, plus the final tiles. Each parallel step runs where {@link Placement} puts its work ({@link Tasks}):
 * on driver threads when small (on a local master; Spark is then not started for it), else as a Spark job over the
 * check's data, broadcast once when first needed.
 */
public final class ProbeCheck {
    private ProbeCheck() {}

    /** The most projections of the whole Jacobian an automatic --probes makes. */
    static final int MAX_AUTO_PROBES = 64;
    /** Fresh projections per region in the bisection: a single one misses a small error now and then. */
    static final int PER_REGION = 4;
    /** The projections of the whole Jacobian an automatic --probes starts with. */
    static final int FIRST_PROBES = 16;

    /** Checks {@code data}'s input into {@code r} by projections. */
    static void run(JobContext ctx, CheckData data, GradcheckRequest req, GradcheckResult r, int slots, JobLog log)
            throws IOException {
        try (Steps steps = new Steps(ctx, data, "gradcheck: d/d" + r.input, log)) {
            check(steps, req, r, slots, log);
        }
    }

    /** One parallel step's work on one item, given the check's data (on a driver thread or in a Spark task). */
    @FunctionalInterface
    interface Step<T, R> extends Tasks.Task<CheckData, T, R> {}

    /**
     * The check's parallel steps over its data ({@link Tasks}): each placed by its own estimated work, so a small
     * step runs on driver threads and a large one as a Spark job over the data, broadcast once when first needed.
     */
    static final class Steps implements AutoCloseable {
        private final Tasks<CheckData> tasks;
        private final CheckData data;
        private final String label;
        private final JobLog log;
        private boolean said;

        Steps(JobContext ctx, CheckData data, String label, JobLog log) {
            this.tasks = Tasks.sharing(ctx, label, data);
            this.data = data;
            this.label = label;
            this.log = log;
        }

        /** {@code step} over {@code items} in order, in at most {@code slots} at once; {@code flops}: the estimate. */
        <T, R> List<R> map(List<T> items, int slots, double flops, Step<T, R> step) throws IOException {
            if (items.isEmpty()) {
                return List.of();
            }
            Placement where = tasks.place(flops);
            if (where.inDriver() && log != null && !said) {
                log.detail(label + ": projections: " + where.reason());
                said = true;
            }
            return tasks.map(where, items, slots, step, null);
        }

        @Override
        public void close() {
            tasks.close();
        }
    }

    private static void check(Steps steps, GradcheckRequest req, GradcheckResult r, int slots, JobLog log)
            throws IOException {
        int[] nextId = {0};
        List<Projection> ps = new ArrayList<>(
                project(steps, r, whole(r, req.probes != null ? req.probes : FIRST_PROBES, nextId), 0, slots));
        double[] t = thresholds(ps);
        if (req.probes == null && t.length == ps.size() && ps.stream().noneMatch(Projection::disagrees)) {
            // as many as it takes to detect a single wrong entry of size atol with probability ≥ 1 − MISS: first
            // as the median threshold predicts, then a quarter more at a time while the stated size is above atol
            Arrays.sort(t);
            int need = DetectionPower.projectionsNeeded(t[t.length / 2], req.atol, DetectionPower.MISS);
            int more = Math.min(need, MAX_AUTO_PROBES) - ps.size();
            while (more > 0) {
                ps.addAll(project(steps, r, whole(r, more, nextId), 0, slots));
                t = thresholds(ps);
                boolean enough = DetectionPower.detectableSize(t, DetectionPower.MISS) <= req.atol
                        || t.length < ps.size()
                        || ps.stream().anyMatch(Projection::disagrees);
                more = enough ? 0 : Math.min(MAX_AUTO_PROBES - ps.size(), Math.max(4, ps.size() / 4));
            }
        }
        r.probes += ps.size();
        r.firstProbes = ps.size();
        int bad = 0;
        for (Projection p : ps) {
            if (Double.isFinite(p.error()) && Double.isFinite(p.threshold())) {
                r.maxProbeError = Math.max(r.maxProbeError, p.error());
                r.maxProbeThreshold = Math.max(r.maxProbeThreshold, p.threshold());
            } else {
                r.nonFiniteProbes++;
            }
            bad += p.disagrees() ? 1 : 0;
        }
        r.probesFailed = bad;
        r.detectable = DetectionPower.detectableSize(thresholds(ps), DetectionPower.MISS);
        note(
                r,
                log,
                String.format(
                        Locale.ROOT,
                        "%d random projections of the whole Jacobian: %d beyond %.0f× their own noise (largest"
                                + " |analytic − numeric| %.3e, largest threshold %.3e); a single wrong entry of size"
                                + " ≥ %.3e is detected with probability ≥ 1 − %.0e",
                        ps.size(),
                        bad,
                        Projection.SAFETY,
                        r.maxProbeError,
                        r.maxProbeThreshold,
                        r.detectable,
                        DetectionPower.MISS));
        if (bad == 0) {
            return;
        }
        List<TileRegion> finals = bisect(steps, r, nextId, slots, log);
        if (finals.isEmpty()) {
            r.unresolved = true;
            r.probeLog.add(
                    "no single tile disagreed on its own; the disagreement is spread thin (check with --mode full)");
            return;
        }
        checkTiles(steps, finals, r, req.worst, slots);
        // with failing entries found the verdict is FAIL anyway; without, a capped bisection cannot vouch for the rest
        r.unresolved = r.capped && r.failed == 0;
        if (r.capped) {
            r.probeLog.add("the bisection kept the 64 largest disagreements per level; other regions may hold more");
        }
        note(
                r,
                log,
                finals.size() + " tile(s) checked in full: " + r.failed + " of " + r.compared + " entries disagree"
                        + (r.failed == 0 && !r.capped
                                ? " (the projections' disagreement is within the entry tolerance there)"
                                : ""));
    }

    /** {@code n} regions covering the whole Jacobian, with fresh ids. */
    private static List<TileRegion> whole(GradcheckResult r, int n, int[] nextId) {
        List<TileRegion> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TileRegion(0, r.grid.rowTiles(), 0, r.grid.colTiles(), nextId[0]++));
        }
        return out;
    }

    /** The shift each projection is sure to flag: its threshold plus its own noise. */
    private static double[] thresholds(List<Projection> ps) {
        return ps.stream()
                .mapToDouble(p -> p.threshold() + p.noise)
                .filter(Double::isFinite)
                .toArray();
    }

    /** Bisection over tile ranges: keeps the quarters whose fresh projection disagrees; returns the single tiles. */
    private static List<TileRegion> bisect(Steps steps, GradcheckResult r, int[] nextId, int slots, JobLog log)
            throws IOException {
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
            List<TileRegion> next = new ArrayList<>();
            List<double[]> errs = new ArrayList<>();
            // a quarter is suspect when any of its PER_REGION fresh projections disagrees; when no quarter of a
            // disagreeing parent does (a single projection misses a small error now and then), try again
            for (int attempt = 0; attempt < 3 && next.isEmpty(); attempt++) {
                Map<Integer, Integer> partOf = new HashMap<>();
                List<TileRegion> probes = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    TileRegion g = parts.get(i);
                    for (int k = 0; k < PER_REGION; k++) {
                        TileRegion copy = new TileRegion(g.tr0, g.tr1, g.tc0, g.tc1, nextId[0]++);
                        partOf.put(copy.id, i);
                        probes.add(copy);
                    }
                }
                List<Projection> res = project(steps, r, probes, level, slots);
                r.probes += res.size();
                double[] worst = new double[parts.size()];
                boolean[] bad = new boolean[parts.size()];
                for (Projection p : res) {
                    int i = partOf.get(p.id);
                    if (p.disagrees()) {
                        bad[i] = true;
                        worst[i] = Math.max(worst[i], Double.isNaN(p.error()) ? Double.POSITIVE_INFINITY : p.error());
                    }
                }
                for (int i = 0; i < parts.size(); i++) {
                    if (bad[i]) {
                        next.add(parts.get(i));
                        errs.add(new double[] {worst[i], next.size() - 1});
                    }
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
    private static void checkTiles(Steps steps, List<TileRegion> finals, GradcheckResult r, int worst, int slots)
            throws IOException {
        // per tile: its analytic rows read, two forward passes per column, and the entries compared
        double perTile = (double) r.grid.tileRows() * r.grid.tileCols()
                + 2.0 * r.grid.tileCols() * steps.data.graph.forwardFlops();
        List<TileStats> stats = steps.map(finals, Math.max(slots, finals.size()), finals.size() * perTile, (d, reg) -> {
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
        });
        for (TileStats t : stats) {
            r.add(t, worst);
            r.forwardEvals += 2 * (t.c1 - t.c0);
        }
    }

    private static void note(GradcheckResult r, JobLog log, String line) {
        r.probeLog.add(line);
        if (log != null) {
            log.detail("gradcheck: d/d" + r.input + ": " + line);
        }
    }

    /**
     * Evaluates one projection per region, in parallel: at most {@code slots} at once, as many as the memory plan
     * allows. Work per projection for placement: one sweep and four forward passes (≈ 6 forward passes), plus the
     * stored Jacobian's entries of the region when the analytic side is read from a file.
     */
    private static List<Projection> project(
            Steps steps, GradcheckResult r, List<TileRegion> regions, long salt, int slots) throws IOException {
        double flops = 0;
        for (TileRegion reg : regions) {
            flops += 6.0 * steps.data.graph.forwardFlops();
            if (steps.data.analyticUri != null) {
                flops += (double) (r.grid.rowEnd(reg.tr1 - 1) - r.grid.rowStart(reg.tr0))
                        * (r.grid.colEnd(reg.tc1 - 1) - r.grid.colStart(reg.tc0));
            }
        }
        return steps.map(regions, slots, flops, (d, reg) -> Projection.measure(d, reg, salt));
    }
}
