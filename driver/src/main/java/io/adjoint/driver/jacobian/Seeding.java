package io.adjoint.driver.jacobian;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.plan.RowBlocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The seeding policy of a Jacobian sweep, and what it costs. Rows of the Jacobian whose patterns share no column can
 * share one seed (Curtis–Powell–Reid, by rows): per requested input, {@link #of} chooses a row colouring or one
 * seed per row — with {@code --seeding auto} compressed when the colours are at most half the rows, {@code dense}
 * never, {@code compressed} whenever the pattern is not full; {@link #dropUnpaidCompression} drops a compression the
 * planned blocks would not pay for. {@link #plan} sizes the blocks for the chosen seeding, {@link #sweepFlops}
 * estimates the work for {@link Placement}, and {@link #describe} says it all in the log.
 */
public final class Seeding {
    private Seeding() {}

    /**
     * The job's work for {@link Placement}: one forward pass's flops per sweep seed (p·q
     * seeds when any input is swept row by row, else the most colours; none for a block read from star-coloured
     * sweeps), plus one per dense result entry written.
     */
    static double sweepFlops(JacobianInputs in, RowColouring[] seeding, StarSeeding stars) {
        long rows = in.graph.outputShape().size();
        long seeds = 0;
        double entries = 0;
        for (int i = 0; i < in.wrt.size(); i++) {
            if (!stars.uses(i)) {
                seeds = Math.max(seeds, seeding[i] == null ? rows : seeding[i].colours());
            }
            entries += in.csr(i)
                    ? in.patterns.get(i).nnz()
                    : (double) rows * in.wrtShapes.get(in.wrt.get(i)).size();
        }
        return seeds * in.graph.forwardFlops() + entries;
    }

    /**
     * The row blocks. Memory per row of a block: the sweep's live adjoints (for compressed inputs scaled by seeds per
     * row, colours / rows: a block of B rows sweeps about B·colours/rows seeds) and the result — k·l per input for
     * a dense result or a row-by-row sweep, the compressed rows (k·l·colours/rows) and the stored entries per row
     * for CSR. Compressed blocks are whole granules of q rows (the colour runs of column-separable patterns). A block
     * read from star-coloured sweeps holds no adjoint, only its result.
     */
    static BlockPlanner.Plan plan(
            JobContext ctx, JacobianInputs in, long tapeBytes, RowColouring[] seeding, StarSeeding stars) {
        long rows = Math.max(1, in.graph.outputShape().size());
        long resultCols = 0;
        double seedsPerRow = 0;
        boolean anyDense = false;
        for (int i = 0; i < in.wrt.size(); i++) {
            long size = in.wrtShapes.get(in.wrt.get(i)).size();
            if (stars.uses(i)) {
                // nothing swept: the result's rows only
            } else if (seeding[i] != null) {
                double ratio = Math.min(1.0, (double) seeding[i].colours() / rows);
                seedsPerRow = Math.max(seedsPerRow, ratio);
                resultCols += (long) Math.ceil(size * ratio);
            } else {
                anyDense |= in.wrtNodes[i] >= 0;
                if (in.csr(i)) {
                    resultCols += size; // the dense rows the entries are read from
                }
            }
            resultCols += in.csr(i) ? (in.patterns.get(i).nnz() + rows - 1) / rows : size;
        }
        long adjoint = sweepColumns(in);
        if (!anyDense && seedsPerRow == 0 && stars.sweeps() > 0) {
            adjoint = 1; // every swept input is read from star-coloured sweeps
        } else if (!anyDense && seedsPerRow > 0) {
            adjoint = (long) Math.ceil(adjoint * seedsPerRow) + 1;
        }
        boolean compressed = Arrays.stream(seeding).anyMatch(c -> c != null);
        return BlockPlanner.plan(
                ctx,
                BlockPlanner.Need.rows(in.graph.outputShape().size(), adjoint, resultCols)
                        .broadcast(tapeBytes)
                        .requested(in.request.rowsPerTask)
                        .granule(compressed ? in.graph.outputShape().cols : 1));
    }

    /**
     * Per requested input, the colouring its rows are seeded by, or null for one seed per row: with
     * {@link JacobianRequest.Seeding#AUTO} compressed when the colours are at most half the rows; DENSE never;
     * COMPRESSED whenever the pattern is not full. Driver cost: the colouring of two small factors (one term) or
     * of the explicit pattern (several terms, up to 2^24 non-zeros).
     */
    public static RowColouring[] of(JacobianInputs in) {
        return paid(in, colourings(in));
    }

    /**
     * Per requested input, the row colouring of its pattern whether it pays or not — null for an unused input, a
     * full pattern, or {@link JacobianRequest.Seeding#DENSE}. Driver cost as {@link #of}.
     */
    static RowColouring[] colourings(JacobianInputs in) {
        RowColouring[] c = new RowColouring[in.wrt.size()];
        for (int i = 0; i < c.length; i++) {
            SparsityPattern p = in.patterns.get(i);
            if (in.wrtNodes[i] >= 0 && !p.isFull() && in.request.seeding != JacobianRequest.Seeding.DENSE) {
                c[i] = RowColouring.of(p);
            }
        }
        return c;
    }

    /** Of {@link #colourings}, those the request's seeding takes ({@link #colouringIfPaid}'s rule); a new array. */
    static RowColouring[] paid(JacobianInputs in, RowColouring[] all) {
        RowColouring[] c = new RowColouring[all.length];
        long rows = in.graph.outputShape().size();
        for (int i = 0; i < c.length; i++) {
            c[i] = all[i] != null && pays(in.request.seeding, all[i], rows) ? all[i] : null;
        }
        return c;
    }

    /**
     * The colouring of {@code pattern}'s rows when {@code seeding} takes it: never with DENSE, always with
     * COMPRESSED, with AUTO when its colours are at most half of the {@code rows} it replaces; else null. The one
     * rule for every compression — a Jacobian's rows here, a gradient check's rows and columns in GradcheckJob.
     */
    public static RowColouring colouringIfPaid(JacobianRequest.Seeding seeding, SparsityPattern pattern, long rows) {
        if (seeding == JacobianRequest.Seeding.DENSE) {
            return null;
        }
        RowColouring rc = RowColouring.of(pattern);
        return pays(seeding, rc, rows) ? rc : null;
    }

    private static boolean pays(JacobianRequest.Seeding seeding, RowColouring rc, long rows) {
        return seeding == JacobianRequest.Seeding.COMPRESSED || 2L * rc.colours() <= rows;
    }

    /**
     * With {@link JacobianRequest.Seeding#AUTO}, drops the compression of inputs whose blocks would sweep more than
     * half as many seeds as rows (colours spread over every block, or blocks too small to hold colour runs); returns
     * whether it dropped any. O(p·q) colour look-ups.
     */
    static boolean dropUnpaidCompression(JacobianInputs in, RowColouring[] seeding, RowBlocks blocks) {
        if (in.request.seeding != JacobianRequest.Seeding.AUTO) {
            return false;
        }
        boolean dropped = false;
        for (int i = 0; i < seeding.length; i++) {
            if (seeding[i] == null) {
                continue;
            }
            long seeds = 0;
            for (int b = 0; b < blocks.count(); b++) {
                seeds += CompressedSweep.seeds(seeding[i], blocks.start(b), blocks.end(b));
            }
            if (2 * seeds > blocks.rows()) {
                seeding[i] = null;
                dropped = true;
            }
        }
        return dropped;
    }

    /**
     * One line per input: the pattern's non-zeros, the rows, the colours, and the seeds the blocks sweep; for a
     * symmetric block, its star and distance-2 colourings.
     */
    static List<String> describe(JacobianInputs in, RowColouring[] seeding, StarSeeding stars, RowBlocks blocks) {
        List<String> lines = new ArrayList<>();
        long rows = in.graph.outputShape().size();
        for (int i = 0; i < seeding.length; i++) {
            SparsityPattern p = in.patterns.get(i);
            long entries = rows * in.wrtShapes.get(in.wrt.get(i)).size();
            long nnz = p.isFull() ? entries : p.nnz();
            String head = String.format(
                    Locale.ROOT,
                    "d/d%s: pattern %d non-zeros of %d (%.3g%%), %d rows",
                    in.wrt.get(i),
                    nnz,
                    entries,
                    entries == 0 ? 0.0 : 100.0 * nnz / entries,
                    rows);
            if (stars.uses(i)) {
                lines.add(head + "; " + stars.note(i));
                continue;
            }
            String symmetric = stars.note(i) == null ? "" : "; " + stars.note(i);
            if (seeding[i] == null) {
                lines.add(head + symmetric + "; one seed per row ("
                        + (in.request.seeding == JacobianRequest.Seeding.DENSE
                                ? "--seeding dense"
                                : p.isFull()
                                        ? "no structure to exploit"
                                        : "too many colours, or seeds over these blocks, to pay")
                        + ")");
                continue;
            }
            long seeds = 0;
            for (int b = 0; b < blocks.count(); b++) {
                seeds += CompressedSweep.seeds(seeding[i], blocks.start(b), blocks.end(b));
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "%s in %d colours%s; compressed seeding: %d seeds over %d blocks (%.1f× fewer than rows)",
                    head,
                    seeding[i].colours(),
                    symmetric,
                    seeds,
                    blocks.count(),
                    seeds == 0 ? 0.0 : (double) rows / seeds));
        }
        return lines;
    }

    /**
     * Columns a reverse sweep over the requested inputs holds per row of its block: the live adjoints, plus the
     * batched-GEMM workspace (about two of the widest blocks).
     */
    public static long sweepColumns(JacobianInputs in) {
        return ReverseSweep.columnsPerSeed(
                in.graph, Arrays.stream(in.wrtNodes).filter(w -> w >= 0).toArray());
    }
}
