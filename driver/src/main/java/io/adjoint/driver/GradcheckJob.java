package io.adjoint.driver;

import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.InvalidInputException;
import io.adjoint.core.check.TileStats;
import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * Gradient checks at cluster scale: analytic derivatives (our reverse sweep, or a stored Jacobian) against
 * central differences.
 *
 * <p><b>full</b>: the analytic Jacobian is written by the distributed sweep to a temporary file (or is the
 * stored one); one task per column tile computes its numeric columns for all rows (two forward passes per
 * column), reads the same columns of the analytic file, and compares them tile by tile; only per-tile
 * statistics reach the driver. Cost: 2·k·l forward passes; the analytic file is written once and read once.
 *
 * <p><b>probe</b>: N random projections vᵀJu per input, v and u Gaussian: analytic vᵀJ from one seeded
 * reverse sweep (or a pass over the stored file), numeric J·u from two forward passes. A projection
 * disagrees when |a − n| > atol·‖v‖·‖u‖ + rtol·rms(n) (for an error matrix E, vᵀEu has the size of ‖E‖_F).
 * A disagreement is localized by bisection over tile ranges of rows and columns — one fresh projection per
 * quarter, keeping the quarters that disagree — down to single tiles, which are then checked in full.
 * Cost: N + 4·(levels)·(failing regions) projections, plus the final tiles.
 */
public final class GradcheckJob {
    private GradcheckJob() {
    }

    /** Everything a gradcheck task needs, broadcast once (Java-serialized: it may hold user ops' Jacobians). */
    static final class Data implements Serializable {
        private static final long serialVersionUID = 1L;
        final Graph graph;
        final Tape tape;
        final HashMap<String, DMatrixRMaj> inputs;
        final String wrt;
        final int wrtNode;
        final String analyticUri;
        final NpyHeader analyticHeader;
        final double eps;
        final Tolerance tol;
        final int tileRows;
        final int tileCols;
        final long rows;
        final long cols;
        final int worst;
        final long seed;
        final HadoopConf conf;

        Data(Graph graph, Tape tape, HashMap<String, DMatrixRMaj> inputs, String wrt, int wrtNode, String analyticUri,
                NpyHeader analyticHeader, double eps, Tolerance tol, int tileRows, int tileCols, long rows, long cols,
                int worst, long seed, HadoopConf conf) {
            this.graph = graph;
            this.tape = tape;
            this.inputs = inputs;
            this.wrt = wrt;
            this.wrtNode = wrtNode;
            this.analyticUri = analyticUri;
            this.analyticHeader = analyticHeader;
            this.eps = eps;
            this.tol = tol;
            this.tileRows = tileRows;
            this.tileCols = tileCols;
            this.rows = rows;
            this.cols = cols;
            this.worst = worst;
            this.seed = seed;
            this.conf = conf;
        }

        long rowEnd(int tr) {
            return Math.min(rows, (long) (tr + 1) * tileRows);
        }

        long colEnd(int tc) {
            return Math.min(cols, (long) (tc + 1) * tileCols);
        }

        /** Numeric columns [c0, c1) for all rows. */
        DMatrixRMaj numericColumns(long c0, long c1) {
            if (wrtNode < 0) {
                return new DMatrixRMaj((int) rows, (int) (c1 - c0));
            }
            return io.adjoint.core.graph.BatchedDifferences.columns(graph, inputs, wrt, (int) c0, (int) c1, eps,
                    Functions.standard(), batch(graph));
        }

        /** Analytic rows [r0, r1), all columns: from the stored/temporary file, or the sweep. */
        DMatrixRMaj analyticRows(long r0, long r1) throws IOException {
            if (analyticUri != null) {
                try (ByteSource src = HadoopByteSource.open(analyticUri, conf.get())) {
                    return NpyReader.readRows(src, analyticHeader, 2, r0, r1, null);
                }
            }
            if (wrtNode < 0) {
                return new DMatrixRMaj((int) (r1 - r0), (int) cols);
            }
            return ReverseSweep.sweep(tape, new int[] {wrtNode}, r0, r1)[0];
        }
    }

    /** Perturbed copies per batched forward pass: about 64 MiB of node values per pass, 2 to 128 copies. */
    static int batch(Graph g) {
        long total = 0;
        for (Graph.Node n : g.nodes()) {
            total += n.shape.size();
        }
        return (int) Math.max(2, Math.min(128, (8L << 20) / Math.max(1, total)));
    }

    /** A rectangle of tiles [tr0, tr1) × [tc0, tc1). */
    static final class Region implements Serializable {
        private static final long serialVersionUID = 1L;
        final int tr0;
        final int tr1;
        final int tc0;
        final int tc1;
        final int id;

        Region(int tr0, int tr1, int tc0, int tc1, int id) {
            this.tr0 = tr0;
            this.tr1 = tr1;
            this.tc0 = tc0;
            this.tc1 = tc1;
            this.id = id;
        }

        boolean single() {
            return tr1 - tr0 == 1 && tc1 - tc0 == 1;
        }

        List<Region> split(int[] nextId) {
            List<Region> out = new ArrayList<>();
            int rm = tr1 - tr0 > 1 ? (tr0 + tr1) / 2 : tr1;
            int cm = tc1 - tc0 > 1 ? (tc0 + tc1) / 2 : tc1;
            int[][] rs = rm < tr1 ? new int[][] {{tr0, rm}, {rm, tr1}} : new int[][] {{tr0, tr1}};
            int[][] cs = cm < tc1 ? new int[][] {{tc0, cm}, {cm, tc1}} : new int[][] {{tc0, tc1}};
            for (int[] r : rs) {
                for (int[] c : cs) {
                    out.add(new Region(r[0], r[1], c[0], c[1], nextId[0]++));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "tiles rows " + tr0 + ".." + (tr1 - 1) + " × cols " + tc0 + ".." + (tc1 - 1);
        }
    }

    /** One projection's outcome. */
    static final class Probe implements Serializable {
        private static final long serialVersionUID = 1L;
        final int id;
        final double analytic;
        final double numeric;
        final double vnorm;
        final double unorm;

        Probe(int id, double analytic, double numeric, double vnorm, double unorm) {
            this.id = id;
            this.analytic = analytic;
            this.numeric = numeric;
            this.vnorm = vnorm;
            this.unorm = unorm;
        }
    }

    /** Runs the check for every --wrt input. */
    public static List<GradcheckResult> run(JavaSparkContext jsc, GradcheckRequest req, JacobianInputs in,
            Consumer<String> log) throws IOException {
        List<GradcheckResult> results = new ArrayList<>();
        Shape2 out = in.graph.outputShape();
        Path work = new Path(req.job.outDir, ".gradcheck-work");
        FileSystem fs = work.getFileSystem(jsc.hadoopConfiguration());
        try {
            for (int i = 0; i < in.wrt.size(); i++) {
                long t0 = System.nanoTime();
                String name = in.wrt.get(i);
                Shape2 x = in.wrtShapes.get(name);
                Shape4 shape = new Shape4(out.rows, out.cols, x.rows, x.cols);
                GradcheckResult r = new GradcheckResult(name, shape);
                long entries = shape.rows() * shape.cols();
                if ("full".equals(req.mode) || "probe".equals(req.mode)) {
                    r.mode = req.mode;
                    r.modeReason = "--mode " + req.mode;
                } else if (entries <= req.autoFullMaxEntries) {
                    r.mode = "full";
                    r.modeReason = "auto: " + entries + " entries ≤ " + req.autoFullMaxEntries + ", so every entry is compared";
                } else {
                    r.mode = "probe";
                    r.modeReason = "auto: " + entries + " entries > " + req.autoFullMaxEntries
                            + ", so random projections, refined where they disagree";
                }
                if (entries == 0) {
                    r.mode = "none";
                    r.modeReason = "the Jacobian " + shape + " has no entries";
                    r.tileRows = 1;
                    r.tileCols = 1;
                    r.tileMax = new double[][] {{Double.NaN}};
                    r.seconds = (System.nanoTime() - t0) / 1e9;
                    results.add(r);
                    continue;
                }
                int nr = (int) Math.min(shape.rows(), req.grid);
                int nc = (int) Math.min(shape.cols(), req.grid);
                r.tileRows = (int) ((shape.rows() + nr - 1) / Math.max(1, nr));
                r.tileCols = (int) ((shape.cols() + nc - 1) / Math.max(1, nc));
                int nRowTiles = (int) ((shape.rows() + r.tileRows - 1) / Math.max(1, r.tileRows));
                int nColTiles = (int) ((shape.cols() + r.tileCols - 1) / Math.max(1, r.tileCols));
                r.tileMax = new double[nRowTiles][nColTiles];
                for (double[] row : r.tileMax) {
                    java.util.Arrays.fill(row, Double.NaN);
                }
                String analyticUri = req.stored.get(name);
                NpyHeader analyticHeader = null;
                if (analyticUri != null) {
                    try (ByteSource src = HadoopByteSource.open(analyticUri, jsc.hadoopConfiguration())) {
                        analyticHeader = NpyHeader.read(src);
                    }
                } else if ("full".equals(r.mode)) {
                    // the analytic Jacobian, written by the distributed sweep to a temporary file
                    JacobianRequest jr = new JacobianRequest();
                    jr.expr = in.request.expr;
                    jr.inputs.putAll(in.request.inputs);
                    jr.wrt.add(name);
                    jr.outDir = work.toString();
                    jr.overwrite = true;
                    long a0 = System.nanoTime();
                    JacobianInputs ji = JacobianInputs.prepare(jr, jsc.hadoopConfiguration(), Functions.standard());
                    JacobianJob.run(jsc, ji, null);
                    r.analyticSeconds = (System.nanoTime() - a0) / 1e9;
                    analyticUri = new Path(work, name + ".npy").toString();
                    try (ByteSource src = HadoopByteSource.open(analyticUri, jsc.hadoopConfiguration())) {
                        analyticHeader = NpyHeader.read(src);
                    }
                }
                HashMap<String, DMatrixRMaj> values = new HashMap<>();
                for (String n : in.graph.inputs().keySet()) {
                    values.put(n, in.forward.values[in.graph.inputs().get(n)]);
                }
                Data data = new Data(in.graph, in.tape, values, name, in.wrtNodes[i], analyticUri, analyticHeader, req.eps,
                        new Tolerance(req.atol, req.rtol), r.tileRows, r.tileCols, shape.rows(), shape.cols(), req.worst,
                        req.seed * 1_000_003L + i, new HadoopConf(jsc.hadoopConfiguration()));
                Broadcast<Data> bc = jsc.broadcast(data);
                try {
                    r.numericMethod = io.adjoint.core.graph.BatchedDifferences.batches(in.graph, name, Functions.standard())
                            ? "central differences, " + batch(in.graph) + " perturbed copies per batched forward pass"
                            : "central differences, one forward pass per perturbed copy (the graph mixes columns)";
                    if (log != null) {
                        log.accept("gradcheck: d/d" + name + " " + shape + ": " + r.mode + " (" + r.modeReason + "); tiles "
                                + r.tileRows + "×" + r.tileCols + ", grid " + nRowTiles + "×" + nColTiles + "; " + r.numericMethod);
                    }
                    long n0 = System.nanoTime();
                    if ("full".equals(r.mode)) {
                        full(jsc, bc, nRowTiles, nColTiles, r, req.worst);
                        r.forwardEvals += 2 * shape.cols();
                    } else {
                        probe(jsc, bc, req, nRowTiles, nColTiles, r, log);
                        r.forwardEvals += 2L * r.probes;
                    }
                    r.numericSeconds = (System.nanoTime() - n0) / 1e9;
                } finally {
                    bc.destroy();
                    if (fs.exists(work)) {
                        fs.delete(work, true);
                    }
                }
                r.seconds = (System.nanoTime() - t0) / 1e9;
                results.add(r);
            }
        } finally {
            if (fs.exists(work)) {
                fs.delete(work, true);
            }
        }
        return results;
    }

    private static void full(JavaSparkContext jsc, Broadcast<Data> bc, int nRowTiles, int nColTiles, GradcheckResult r,
            int worst) {
        List<Integer> colTiles = new ArrayList<>();
        for (int c = 0; c < nColTiles; c++) {
            colTiles.add(c);
        }
        List<TileStats> stats = jsc.parallelize(colTiles, Math.max(1, colTiles.size())).flatMap(tc -> {
            Data d = bc.value();
            long c0 = (long) tc * d.tileCols;
            long c1 = d.colEnd(tc);
            DMatrixRMaj numeric = d.numericColumns(c0, c1);
            DMatrixRMaj analytic;
            try (ByteSource src = HadoopByteSource.open(d.analyticUri, d.conf.get())) {
                analytic = NpyReader.readColumns(src, d.analyticHeader, 2, c0, c1, null);
            }
            List<TileStats> out = new ArrayList<>();
            int w = (int) (c1 - c0);
            int nTiles = (int) ((d.rows + d.tileRows - 1) / d.tileRows);
            for (int tr = 0; tr < nTiles; tr++) {
                long r0 = (long) tr * d.tileRows;
                long r1 = d.rowEnd(tr);
                int h = (int) (r1 - r0);
                DMatrixRMaj a = new DMatrixRMaj(h, w);
                DMatrixRMaj n = new DMatrixRMaj(h, w);
                System.arraycopy(analytic.data, (int) (r0 * w), a.data, 0, h * w);
                System.arraycopy(numeric.data, (int) (r0 * w), n.data, 0, h * w);
                out.add(TileStats.compare(r0, c0, a, n, d.tol, d.worst));
            }
            return out.iterator();
        }).collect();
        for (TileStats t : stats) {
            r.add(t, worst);
        }
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

    /** Evaluates one projection per region, in parallel. Region (−1 id) means the whole Jacobian. */
    private static List<Probe> project(JavaSparkContext jsc, Broadcast<Data> bc, List<Region> regions, long salt) {
        return jsc.parallelize(regions, Math.max(1, Math.min(regions.size(), 4 * jsc.defaultParallelism())))
                .map(reg -> {
                    Data d = bc.value();
                    long r0 = (long) reg.tr0 * d.tileRows;
                    long r1 = d.rowEnd(reg.tr1 - 1);
                    long c0 = (long) reg.tc0 * d.tileCols;
                    long c1 = d.colEnd(reg.tc1 - 1);
                    long s = d.seed * 31 + salt * 1_000_033L + reg.id;
                    double[] v = gaussian(s, (int) d.rows, r0, r1);
                    double[] u = gaussian(s ^ 0x5DEECE66DL, (int) d.cols, c0, c1);
                    double analytic = 0;
                    if (d.analyticUri != null) {
                        try (ByteSource src = HadoopByteSource.open(d.analyticUri, d.conf.get())) {
                            long step = Math.max(1, (4L << 20) / Math.max(1, d.cols));
                            for (long a = r0; a < r1; a += step) {
                                long b = Math.min(r1, a + step);
                                DMatrixRMaj blk = NpyReader.readRows(src, d.analyticHeader, 2, a, b, null);
                                for (long rr = a; rr < b; rr++) {
                                    double dot = 0;
                                    int off = (int) ((rr - a) * d.cols);
                                    for (long cc = c0; cc < c1; cc++) {
                                        dot += blk.data[off + (int) cc] * u[(int) cc];
                                    }
                                    analytic += v[(int) rr] * dot;
                                }
                            }
                        }
                    } else if (d.wrtNode >= 0) {
                        DMatrixRMaj seed = DMatrixRMaj.wrap(1, (int) d.rows, v.clone());
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
                    return new Probe(reg.id, analytic, numeric, norm(v), norm(u));
                }).collect();
    }

    static boolean disagrees(Probe p, Tolerance tol, double rms) {
        return !(Math.abs(p.analytic - p.numeric) <= tol.atol * p.vnorm * p.unorm + tol.rtol * rms);
    }

    static double rms(List<Probe> ps) {
        double s = 0;
        for (Probe p : ps) {
            s += p.numeric * p.numeric;
        }
        return ps.isEmpty() ? 0 : Math.sqrt(s / ps.size());
    }

    private static void probe(JavaSparkContext jsc, Broadcast<Data> bc, GradcheckRequest req, int nRowTiles,
            int nColTiles, GradcheckResult r, Consumer<String> log) {
        Tolerance tol = new Tolerance(req.atol, req.rtol);
        int[] nextId = {0};
        List<Region> first = new ArrayList<>();
        for (int i = 0; i < req.probes; i++) {
            first.add(new Region(0, nRowTiles, 0, nColTiles, nextId[0]++));
        }
        List<Probe> ps = project(jsc, bc, first, 0);
        double scale = rms(ps);
        r.probes += ps.size();
        int bad = 0;
        for (Probe p : ps) {
            r.maxProbeError = Math.max(r.maxProbeError, Math.abs(p.analytic - p.numeric));
            if (disagrees(p, tol, scale)) {
                bad++;
            }
        }
        r.probesFailed = bad;
        r.probeLog.add(String.format(Locale.ROOT, "%d random projections of the whole Jacobian: %d disagree (largest"
                + " |analytic − numeric| %.3e; rms of the projections %.3e)", ps.size(), bad, r.maxProbeError, scale));
        if (log != null) {
            log.accept("gradcheck: d/d" + r.input + ": " + r.probeLog.get(r.probeLog.size() - 1));
        }
        if (bad == 0) {
            return;
        }
        // bisection over tile ranges: keep the quarters whose fresh projection disagrees
        List<Region> suspects = List.of(new Region(0, nRowTiles, 0, nColTiles, nextId[0]++));
        List<Region> finals = new ArrayList<>();
        int level = 0;
        while (!suspects.isEmpty()) {
            level++;
            List<Region> parts = new ArrayList<>();
            for (Region s : suspects) {
                if (s.single()) {
                    finals.add(s);
                } else {
                    parts.addAll(s.split(nextId));
                }
            }
            if (parts.isEmpty()) {
                break;
            }
            List<Probe> res = project(jsc, bc, parts, level);
            r.probes += res.size();
            Map<Integer, Probe> byId = new HashMap<>();
            for (Probe p : res) {
                byId.put(p.id, p);
            }
            List<Region> next = new ArrayList<>();
            List<double[]> errs = new ArrayList<>();
            for (Region g : parts) {
                Probe p = byId.get(g.id);
                if (disagrees(p, tol, scale * Math.sqrt((double) (g.tr1 - g.tr0) * (g.tc1 - g.tc0)
                        / ((double) nRowTiles * nColTiles)))) {
                    next.add(g);
                    errs.add(new double[] {Math.abs(p.analytic - p.numeric), next.size() - 1});
                }
            }
            if (next.size() > 64) {
                errs.sort((a, b) -> Double.compare(b[0], a[0]));
                List<Region> kept = new ArrayList<>();
                for (int k = 0; k < 64; k++) {
                    kept.add(next.get((int) errs.get(k)[1]));
                }
                next = kept;
                r.capped = true;
            }
            r.probeLog.add("level " + level + ": " + parts.size() + " regions probed, " + next.size() + " disagree");
            if (log != null) {
                log.accept("gradcheck: d/d" + r.input + ": " + r.probeLog.get(r.probeLog.size() - 1));
            }
            suspects = next;
        }
        if (finals.isEmpty()) {
            r.probeLog.add("no single tile disagreed on its own; the disagreement is spread thin (check with --mode full)");
            return;
        }
        // the suspect tiles, in full
        List<TileStats> stats = jsc.parallelize(finals, Math.max(1, finals.size())).map(reg -> {
            Data d = bc.value();
            long r0 = (long) reg.tr0 * d.tileRows;
            long r1 = d.rowEnd(reg.tr0);
            long c0 = (long) reg.tc0 * d.tileCols;
            long c1 = d.colEnd(reg.tc0);
            DMatrixRMaj rowsBlock = d.analyticRows(r0, r1);
            DMatrixRMaj cols = d.numericColumns(c0, c1);
            int h = (int) (r1 - r0);
            int w = (int) (c1 - c0);
            DMatrixRMaj a = new DMatrixRMaj(h, w);
            DMatrixRMaj n = new DMatrixRMaj(h, w);
            for (int i = 0; i < h; i++) {
                System.arraycopy(rowsBlock.data, (int) (i * d.cols + c0), a.data, i * w, w);
                System.arraycopy(cols.data, (int) ((r0 + i) * w), n.data, i * w, w);
            }
            return TileStats.compare(r0, c0, a, n, d.tol, d.worst);
        }).collect();
        for (TileStats t : stats) {
            r.add(t, req.worst);
            r.forwardEvals += 2 * (t.c1 - t.c0);
        }
        r.probeLog.add(finals.size() + " tile(s) checked in full: " + r.failed + " of " + r.compared + " entries disagree");
        if (log != null) {
            log.accept("gradcheck: d/d" + r.input + ": " + r.probeLog.get(r.probeLog.size() - 1));
        }
    }

    /** Checks a stored Jacobian's shape against the expression's (p, q, k, l). */
    public static void checkStored(String name, String uri, Shape4 want, org.apache.hadoop.conf.Configuration conf)
            throws IOException {
        NpyHeader h;
        try (ByteSource src = HadoopByteSource.open(uri, conf)) {
            h = NpyHeader.read(src);
        } catch (java.io.FileNotFoundException e) {
            throw new InvalidInputException("--jacobian " + name + "=" + uri + ": no such file");
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--jacobian " + name + "=" + e.getMessage());
        }
        if (h.rank() != 4 || !Shape4.of(h.shape()).equals(want)) {
            throw new InvalidInputException("--jacobian " + name + "=" + uri + ": shape " + h.shapeString()
                    + ", but ∂out/∂" + name + " has shape " + want);
        }
    }
}
