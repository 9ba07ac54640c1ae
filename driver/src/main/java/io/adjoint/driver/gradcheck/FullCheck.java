package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.TileStats;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.sparsity.Pattern;
import io.adjoint.driver.block.BlockProgress;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ejml.data.DMatrixRMaj;

/**
 * Full mode: every entry. One task per column tile computes its numeric columns for all rows (two forward passes
 * per column), reads the same columns of the analytic file, and compares them tile by tile; only per-tile statistics
 * reach the driver. A task holds {@code chunk} columns at a time ({@link CheckMemory}). Cost: 2·k·l forward passes in
 * all; the analytic file is read once, by columns.
 */
final class FullCheck {
    private FullCheck() {}

    static void run(JavaSparkContext jsc, Broadcast<CheckData> bc, GradcheckResult r, int chunk, Consumer<String> log) {
        List<Integer> colTiles = new ArrayList<>();
        for (int c = 0; c < r.grid.colTiles(); c++) {
            colTiles.add(c);
        }
        RowBlocks columns = new RowBlocks(r.grid.cols(), r.grid.tileCols());
        List<TileStats> stats = BlockProgress.track(
                jsc,
                "gradcheck: d/d" + r.input,
                columns,
                "columns",
                log,
                () -> jsc.parallelize(colTiles, Math.max(1, colTiles.size()))
                        .flatMap(tc -> {
                            CheckData d = bc.value();
                            List<TileStats> out = new ArrayList<>();
                            for (long c0 = d.grid.colStart(tc); c0 < d.grid.colEnd(tc); c0 += chunk) {
                                compare(d, c0, Math.min(d.grid.colEnd(tc), c0 + chunk), out);
                            }
                            return out.iterator();
                        })
                        .collect());
        int worst = bc.value().worst;
        for (TileStats t : stats) {
            r.add(t, worst);
        }
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
     * Every analytic non-zero outside column c's pattern rows is noted on its row tile: the output cannot depend on
     * that input entry, so a stored Jacobian with a value there is wrong whatever the tolerance.
     */
    private static void structuralCheck(CheckData d, long c0, DMatrixRMaj analytic, List<TileStats> tiles) {
        TileGrid g = d.grid;
        int w = analytic.numCols;
        int rows = analytic.numRows;
        int[] stamp = new int[rows];
        Pattern p = d.columnPattern;
        Pattern.Scratch s = p.terms().size() > 1 ? new Pattern.Scratch(p.x.size()) : null;
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
