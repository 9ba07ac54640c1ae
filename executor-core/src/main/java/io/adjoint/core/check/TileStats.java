package io.adjoint.core.check;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The comparison of one tile — result rows [r0, r1) × input columns [c0, c1) of one input's Jacobian —
 * reduced to a few numbers and the worst entries. This is all that reaches the driver.
 */
public final class TileStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One compared entry (row = i·q + j of the output, col = r·l + s of the input). */
    public static final class Entry implements Serializable {
        private static final long serialVersionUID = 1L;
        public final long row;
        public final long col;
        public final double analytic;
        public final double numeric;
        public final double absError;
        public final double relError;

        /** Whether this entry is within the tolerance it was compared with. */
        public final boolean passes;

        public Entry(long row, long col, double analytic, double numeric, Tolerance tol) {
            this.row = row;
            this.col = col;
            this.analytic = analytic;
            this.numeric = numeric;
            this.absError = Math.abs(analytic - numeric);
            this.relError = tol.relError(analytic, numeric);
            this.passes = tol.passes(analytic, numeric);
        }
    }

    public final long r0;
    public final long r1;
    public final long c0;
    public final long c1;
    public long compared;
    public long failed;
    public double maxAbs;
    public double maxRel;
    /** Entries whose analytic or numeric value is NaN or infinite (each also counts as failed). */
    public long nonFinite;
    /** The first of them in row-major order, or null. */
    public Entry firstNonFinite;
    /**
     * Analytic non-zeros where the structural pattern says the output cannot depend on the input (each is wrong
     * whatever the tolerance), and the first of them in row-major order, or null.
     */
    public long structural;

    public Entry firstStructural;
    /** The largest |analytic − numeric| first; at most K. */
    public final List<Entry> worst = new ArrayList<>();

    public TileStats(long r0, long r1, long c0, long c1) {
        this.r0 = r0;
        this.r1 = r1;
        this.c0 = c0;
        this.c1 = c1;
    }

    /** Notes an analytic non-zero at a structural zero (keeping the first in row-major order). */
    public void structuralNonZero(long row, long col, double analytic, Tolerance tol) {
        structural++;
        if (firstStructural == null
                || row < firstStructural.row
                || (row == firstStructural.row && col < firstStructural.col)) {
            firstStructural = new Entry(row, col, analytic, 0.0, tol);
        }
    }

    /** Adds another tile's structural notes to this one's (keeping the first in row-major order). */
    public void addStructural(TileStats o) {
        if (o.firstStructural == null) {
            return;
        }
        structural += o.structural;
        Entry e = o.firstStructural;
        if (firstStructural == null
                || e.row < firstStructural.row
                || (e.row == firstStructural.row && e.col < firstStructural.col)) {
            firstStructural = e;
        }
    }

    /** Compares analytic and numeric values of the tile (both (r1−r0) × (c1−c0), row-major), keeping the worst k entries. */
    public static TileStats compare(long r0, long c0, DMatrixRMaj analytic, DMatrixRMaj numeric, Tolerance tol, int k) {
        if (analytic.numRows != numeric.numRows || analytic.numCols != numeric.numCols) {
            throw new IllegalArgumentException("tile shapes differ: " + analytic.numRows + "×" + analytic.numCols
                    + " vs " + numeric.numRows + "×" + numeric.numCols);
        }
        Builder b = new Builder(r0, r0 + analytic.numRows, c0, c0 + analytic.numCols, tol, k);
        int cols = analytic.numCols;
        for (int i = 0; i < analytic.getNumElements(); i++) {
            b.add(r0 + i / cols, c0 + i % cols, analytic.data[i], numeric.data[i]);
        }
        return b.build();
    }

    /**
     * The statistics of a tile entry by entry, in any order: what {@link #compare} does for a dense tile, and what a
     * structured check does for the pattern's entries only, counting the rest — zero on both sides, by structure — as
     * {@link #addExactZeros compared and equal}.
     */
    public static final class Builder {
        private final TileStats t;
        private final Tolerance tol;
        private final int k;
        private final java.util.PriorityQueue<Entry> heap =
                new java.util.PriorityQueue<>(Comparator.comparingDouble(e -> e.absError));

        public Builder(long r0, long r1, long c0, long c1, Tolerance tol, int k) {
            this.t = new TileStats(r0, r1, c0, c1);
            this.tol = tol;
            this.k = k;
        }

        /** One entry. */
        public void add(long row, long col, double a, double n) {
            double abs = Math.abs(a - n);
            t.compared++;
            if (!tol.passes(a, n)) {
                t.failed++;
            }
            if (!Double.isFinite(a) || !Double.isFinite(n)) {
                t.nonFinite++;
                Entry f = t.firstNonFinite;
                if (f == null || row < f.row || (row == f.row && col < f.col)) {
                    t.firstNonFinite = new Entry(row, col, a, n, tol);
                }
            }
            if (!(abs <= t.maxAbs)) {
                t.maxAbs = Double.isNaN(abs) ? Double.POSITIVE_INFINITY : abs;
            }
            double rel = tol.relError(a, n);
            if (!(rel <= t.maxRel)) {
                t.maxRel = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
            }
            if (heap.size() < k || abs > heap.peek().absError || Double.isNaN(abs)) {
                heap.add(new Entry(row, col, a, n, tol));
                if (heap.size() > k) {
                    heap.poll();
                }
            }
        }

        /** {@code count} entries that are 0 on both sides: compared, within any tolerance, no error. */
        public void addExactZeros(long count) {
            t.compared += count;
        }

        /** The tile's statistics, worst entries largest first. */
        public TileStats build() {
            t.worst.clear();
            t.worst.addAll(heap);
            t.worst.sort(Comparator.comparingDouble((Entry e) -> e.absError).reversed());
            return t;
        }
    }
}
