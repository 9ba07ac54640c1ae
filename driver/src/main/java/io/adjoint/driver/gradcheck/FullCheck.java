package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.TileStats;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.sparsity.CompressedDifferences;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.exec.Progress;
import io.adjoint.driver.exec.Tasks;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Full mode: every entry. Each task takes whole column tiles (about four tasks per slot); per tile it computes its numeric columns for all rows (two forward passes
 * per column), reads the same columns of the analytic file, and compares them tile by tile; only per-tile statistics
 * reach the driver. A task holds {@code chunk} columns at a time ({@link CheckMemory}). Cost: 2·k·l forward passes in
 * all; the analytic file is read once, by columns.
 */
final class FullCheck {
    private FullCheck() {}

    /**
     * Checks every entry of {@code data}'s input into {@code r}. {@code perturbations} is the number of perturbed
     * copies (columns, or column colours); the tasks run where {@link Placement} puts the
     * check's work ({@link Tasks}: driver threads, or Spark tasks over {@code data} broadcast once).
     */
    static void run(JobContext ctx, CheckData data, GradcheckResult r, int chunk, long perturbations, JobLog log)
            throws IOException {
        // whole column tiles per task, about 4 tasks per slot: a structured check's tile is milliseconds of work,
        // less than a task's scheduling
        int tiles = r.grid.colTiles();
        int per = Math.max(1, tiles / Math.max(1, 4 * ctx.defaultParallelism()));
        List<Integer> groups = new ArrayList<>();
        for (int gi = 0; gi * per < tiles; gi++) {
            groups.add(gi);
        }
        RowBlocks columns = new RowBlocks(r.grid.cols(), (int) Math.min(r.grid.cols(), (long) r.grid.tileCols() * per));
        String label = "gradcheck: d/d" + r.input;
        // two forward passes per perturbation, and one comparison per entry compared
        double entries = data.columnPattern != null && data.compressedUri != null
                ? data.columnPattern.nnz()
                : (double) r.grid.rows() * r.grid.cols();
        List<TileStats> stats = new ArrayList<>();
        try (Tasks<CheckData> tasks = Tasks.sharing(ctx, label, data)) {
            Placement where = tasks.place(2.0 * perturbations * data.graph.forwardFlops() + entries);
            if (where.inDriver() && log != null) {
                log.detail(label + ": " + where.reason());
            }
            Progress progress =
                    Progress.of(label, "columns", groups.size(), g -> columns.end(g) - columns.start(g), log);
            tasks.map(where, groups, groups.size(), (d, gi) -> tiles(d, gi, per, chunk), progress)
                    .forEach(stats::addAll);
        }
        for (TileStats t : stats) {
            r.add(t, data.worst);
        }
    }

    /** Column tiles [gi·per, (gi + 1)·per) of the grid: one task's work. */
    private static List<TileStats> tiles(CheckData d, int gi, int per, int chunk) throws IOException {
        List<TileStats> out = new ArrayList<>();
        int t0 = gi * per;
        int t1 = Math.min(d.grid.colTiles(), (gi + 1) * per);
        if (d.compressedUri != null) {
            // structured: both compressed sides of the task's columns at once, then tile by tile
            long from = d.grid.colStart(t0);
            long to = d.grid.colEnd(t1 - 1);
            Structured s = new Structured(d, from, to);
            for (int tc = t0; tc < t1; tc++) {
                s.compare(d.grid.colStart(tc), d.grid.colEnd(tc), out);
            }
            return out;
        }
        for (int tc = t0; tc < t1; tc++) {
            for (long c0 = d.grid.colStart(tc); c0 < d.grid.colEnd(tc); c0 += chunk) {
                compare(d, c0, Math.min(d.grid.colEnd(tc), c0 + chunk), out);
            }
        }
        return out;
    }

    /** Columns [c0, c1), numeric against analytic, one {@link TileStats} per row tile. */
    private static void compare(CheckData d, long c0, long c1, List<TileStats> out) throws IOException {
        TileGrid g = d.grid;
        DMatrixRMaj numeric = d.numericColumns(c0, c1);
        DMatrixRMaj analytic;
        try (ByteSource src = HadoopByteSource.open(d.analyticUri, d.conf.get())) {
            analytic = NpyReader.readColumns(src, d.analyticHeader, d.analyticRowDims, c0, c1, null);
        }
        int w = (int) (c1 - c0);
        for (int tr = 0; tr < g.rowTiles(); tr++) {
            long r0 = g.rowStart(tr);
            int h = (int) (g.rowEnd(tr) - r0);
            DMatrixRMaj a = new DMatrixRMaj(h, w);
            DMatrixRMaj n = new DMatrixRMaj(h, w);
            System.arraycopy(analytic.data, (int) (r0 * w), a.data, 0, h * w);
            System.arraycopy(numeric.data, (int) (r0 * w), n.data, 0, h * w);
            out.add(TileStats.compare(r0, c0, a, n, d.tol, d.worst));
        }
        if (d.columnPattern != null) {
            structuralCheck(d, c0, analytic, out);
        }
    }

    /**
     * Structured full mode: both sides compressed — analytic rows by row colours, numeric columns by column colours —
     * for a task's columns [from, to) at once (one batched difference pass, one read), compared tile by tile at the
     * pattern's entries, read out of both; every other entry is 0 on both sides by structure (counted as compared).
     * A compressed analytic entry that no row of its colour may hold is a derivative outside the pattern: named
     * ({@link CheckData#nameLeak}) and noted as structural. O(pattern entries) per tile instead of O(rows ×
     * columns), and no whole Jacobian file.
     */
    private static final class Structured {
        private final CheckData d;
        private final long from;
        private final CompressedDifferences.Groups ng;
        private final DMatrixRMaj comp;

        Structured(CheckData d, long from, long to) throws IOException {
            this.d = d;
            this.from = from;
            this.ng = d.numericGroups(from, to);
            this.comp = d.compressedColumns(from, to);
        }

        void compare(long c0, long c1, List<TileStats> out) throws IOException {
            TileGrid g = d.grid;
            int w = (int) (c1 - c0);
            int cw = comp.numCols;
            DMatrixRMaj num = ng.values();
            int colours = comp.numRows;
            TileStats.Builder[] b = new TileStats.Builder[g.rowTiles()];
            List<TileStats> notes = new ArrayList<>();
            long[] added = new long[g.rowTiles()];
            for (int tr = 0; tr < b.length; tr++) {
                b[tr] = new TileStats.Builder(g.rowStart(tr), g.rowEnd(tr), c0, c1, d.tol, d.worst);
                notes.add(new TileStats(g.rowStart(tr), g.rowEnd(tr), c0, c1));
            }
            int[] covered = new int[colours];
            SparsityPattern p = d.columnPattern;
            SparsityPattern.Scratch s = p.scratch();
            for (int c = 0; c < w; c++) {
                int at = (int) (c0 - from) + c; // column within the task's compressed sides
                int slot = ng.slotOf()[at];
                for (int rho : p.columns(c0 + c, s)) {
                    int colour = d.byRow.colour(rho);
                    covered[colour] = c + 1;
                    double a = comp.data[colour * cw + at];
                    double n = slot < 0 ? 0 : num.data[rho * num.numCols + slot];
                    int tr = rho / g.tileRows();
                    b[tr].add(rho, c0 + c, a, n);
                    added[tr]++;
                }
                for (int colour = 0; colour < colours; colour++) {
                    if (covered[colour] != c + 1 && comp.data[colour * cw + at] != 0) {
                        d.nameLeak(colour, c0 + c, notes);
                    }
                }
            }
            for (int tr = 0; tr < b.length; tr++) {
                b[tr].addExactZeros((g.rowEnd(tr) - g.rowStart(tr)) * (long) w - added[tr]);
                TileStats t = b[tr].build();
                t.addStructural(notes.get(tr));
                out.add(t);
            }
        }
    }

    /**
     * Every analytic non-zero outside column c's pattern rows is noted on its row tile: the output cannot depend on
     * that input entry, so a stored Jacobian with a value there is wrong whatever the tolerance.
     */
    private static void structuralCheck(CheckData d, long c0, DMatrixRMaj analytic, List<TileStats> tiles) {
        TileGrid g = d.grid;
        int w = analytic.numCols;
        int rows = analytic.numRows;
        int[] stamp = new int[rows];
        SparsityPattern p = d.columnPattern;
        SparsityPattern.Scratch s = p.scratch();
        int first = tiles.size() - g.rowTiles();
        for (int c = 0; c < w; c++) {
            for (int r : p.columns(c0 + c, s)) {
                stamp[r] = c + 1;
            }
            for (int r = 0; r < rows; r++) {
                double a = analytic.data[r * w + c];
                if (a != 0 && stamp[r] != c + 1) {
                    int tr = r / g.tileRows();
                    tiles.get(first + tr).structuralNonZero(r, c0 + c, a, d.tol);
                }
            }
        }
    }
}
