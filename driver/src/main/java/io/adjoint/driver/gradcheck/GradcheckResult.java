package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.TileStats;
import io.adjoint.core.check.Tolerance;
import io.adjoint.core.linalg.Shape4;
import java.util.ArrayList;
import java.util.List;

/** The outcome for one input: what was compared, the largest errors, the worst entries, the tile grid. */
public final class GradcheckResult {
    public final String input;
    public final Shape4 shape;
    public CheckMode mode;
    public String modeReason;
    /** Where the analytic Jacobian came from, for the report. */
    public String analyticSource = "our reverse sweep";
    /** How the numeric columns are evaluated (batched or one pass per copy). */
    public String numericMethod = "";

    public long compared;
    public long failed;
    public double maxAbs;
    public double maxRel;
    public final List<TileStats.Entry> worst = new ArrayList<>();
    /** The tiles compared and reported on; null when the Jacobian has no entries. */
    public TileGrid grid;
    /** Largest |analytic − numeric| per tile (row tile, column tile); NaN where not compared, +∞ where not finite. */
    public double[][] tileMax;
    /** Whether some entry of the tile failed the tolerance. */
    public boolean[][] tileFailed;
    /** The entry tolerance the check used. */
    public Tolerance tolerance;
    /** Probe mode: projections evaluated (including bisection probes) and how many disagreed. */
    public int probes;

    public int probesFailed;
    /** Probe mode: the largest |vᵀJu (analytic) − vᵀJu (numeric)| over the projections of the whole Jacobian. */
    public double maxProbeError;
    /** Probe mode: projections of the whole Jacobian whose values or noise are NaN or infinite. */
    public int nonFiniteProbes;
    /** Probe mode: the largest threshold (safety × measured noise) over those projections. */
    public double maxProbeThreshold;
    /** Probe mode: projections of the whole Jacobian (the rest of {@link #probes} served the bisection). */
    public int firstProbes;
    /**
     * Probe mode: a single wrong entry at least this large is detected with probability ≥ 1 − 10⁻⁶ (NaN: not in
     * probe mode).
     */
    public double detectable = Double.NaN;
    /** Probe mode: projections disagreed but the bisection could not pin the disagreement to tiles checked in full. */
    public boolean unresolved;
    /**
     * Full mode, when entries failed: the worst failing entry's central difference at step 2h minus the one at h, when
     * they differ by more than the tolerance — the differences disagree with themselves, so the function's
     * conditioning is beyond them there; NaN otherwise.
     */
    public double differencesDisagree = Double.NaN;

    /** Entries compared whose analytic or numeric value is NaN or infinite, and the first of them. */
    public long nonFinite;

    public TileStats.Entry firstNonFinite;

    public final List<String> probeLog = new ArrayList<>();
    public double seconds;
    /** Time of the analytic part (the distributed sweep to a file; 0 for a stored Jacobian or probe mode). */
    public double analyticSeconds;
    /** Time of the numeric part and the forward evaluations it made. */
    public double numericSeconds;

    public long forwardEvals;
    public boolean capped;

    public GradcheckResult(String input, Shape4 shape) {
        this.input = input;
        this.shape = shape;
    }

    /** Rows per tile (1 for an empty Jacobian). */
    public int tileRows() {
        return grid == null ? 1 : grid.tileRows();
    }

    /** Columns per tile (1 for an empty Jacobian). */
    public int tileCols() {
        return grid == null ? 1 : grid.tileCols();
    }

    /**
     * No compared entry outside the tolerance or not finite, and no disagreement of the projections left unexplained.
     * Projections that disagree beyond their noise send the bisection to tiles that are then checked in full; when
     * every entry there is within the tolerance, the disagreement is below what the tolerance calls wrong.
     */
    public boolean passed() {
        return failed == 0 && nonFinite == 0 && structural == 0 && !unresolved;
    }

    /** Analytic non-zeros at structural zeros of ∂out/∂input (full mode), and the first of them. */
    public long structural;

    public TileStats.Entry firstStructural;

    /** (i, j, r, s) of a flattened (row, col) entry. */
    public long[] index(long row, long col) {
        long q = shape.dim(1);
        long l = shape.dim(3);
        return new long[] {row / q, row % q, col / l, col % l};
    }

    void add(TileStats t, int k) {
        compared += t.compared;
        failed += t.failed;
        nonFinite += t.nonFinite;
        if (t.firstNonFinite != null
                && (firstNonFinite == null
                        || t.firstNonFinite.row < firstNonFinite.row
                        || (t.firstNonFinite.row == firstNonFinite.row && t.firstNonFinite.col < firstNonFinite.col))) {
            firstNonFinite = t.firstNonFinite;
        }
        structural += t.structural;
        if (t.firstStructural != null
                && (firstStructural == null
                        || t.firstStructural.row < firstStructural.row
                        || (t.firstStructural.row == firstStructural.row
                                && t.firstStructural.col < firstStructural.col))) {
            firstStructural = t.firstStructural;
        }
        maxAbs = Math.max(maxAbs, t.maxAbs);
        maxRel = Math.max(maxRel, t.maxRel);
        int tr = (int) (t.r0 / grid.tileRows());
        int tc = (int) (t.c0 / grid.tileCols());
        tileMax[tr][tc] = Double.isNaN(tileMax[tr][tc]) ? t.maxAbs : Math.max(tileMax[tr][tc], t.maxAbs);
        tileFailed[tr][tc] |= t.failed > 0 || t.structural > 0;
        worst.addAll(t.worst);
        worst.sort((a, b) -> Double.compare(b.absError, a.absError));
        while (worst.size() > k) {
            worst.remove(worst.size() - 1);
        }
    }
}
