package io.adjoint.driver.jacobian;

import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.core.sparsity.StarBlock;
import io.adjoint.core.sparsity.StarColouring;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Tasks;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;

/**
 * The symmetric seeding of a Hessian's diagonal block ∂(∇_A f)/∂A ({@link JacobianRequest#symmetricWrt}): a star
 * colouring of its pattern ({@link StarColouring}) against the distance-2 colouring of the same pattern
 * ({@link RowColouring}), both reported; the star colouring is used when it has fewer colours than the seeds the
 * distance-2 seeding would sweep over the planned blocks (each block sweeps the colours present in it). Then, before the row blocks, one step of tasks sweeps the gradient once per colour
 * over all rows of that colour — B = Sᵀ H, colours × n, collected and broadcast with the tape — and each row block
 * reads its rows from B with no sweep of its own (O(entries) a block).
 *
 * <p>Cost. Driver: the colouring, O(Σ deg²) on the explicit pattern, tried only up to {@link #WORK_LIMIT} edge visits
 * (else the distance-2 seeding stays, and the log says why); B in memory (colours · n doubles, used only when at most
 * an eighth of the heap). Tasks: colours × one forward pass of the gradient expression, split into
 * {@link JobContext#defaultParallelism} tasks.
 */
public final class StarSeeding {
    /** The most edge visits (2·Σ row entries²) the driver spends on a star colouring. */
    static final long WORK_LIMIT = 400_000_000L;
    /** The live adjoints one task of the colours' sweeps may hold (as a compressed block's sweep). */
    static final long SWEEP_BYTES = CompressedSweep.SWEEP_BYTES;

    /** Per requested input, the star colouring used, or null. */
    final StarColouring[] used;
    /** Per requested input, the line the log gives the symmetric block (null for other inputs). */
    private final String[] notes;

    private StarSeeding(int inputs) {
        this.used = new StarColouring[inputs];
        this.notes = new String[inputs];
        this.candidates = new StarColouring[inputs];
        this.distance2 = new RowColouring[inputs];
    }

    /** No symmetric block. */
    static StarSeeding none(int inputs) {
        return new StarSeeding(inputs);
    }

    /** Per requested input, its star colouring when one was made (the candidate), else null. */
    private final StarColouring[] candidates;

    /** Per requested input, the distance-2 colouring of the symmetric block's pattern, for the log. */
    private final RowColouring[] distance2;

    /**
     * Star-colours the symmetric block, if the request has one and its pattern is neither full nor too large to
     * colour on the driver; nothing is used until {@link #choose}. {@code colourings}: every input's distance-2
     * colouring ({@link Seeding#colourings}), reported beside the star colouring.
     */
    static StarSeeding of(JacobianInputs in, RowColouring[] colourings) {
        StarSeeding s = none(in.wrt.size());
        String a = in.request.symmetricWrt;
        int i = a == null ? -1 : in.wrt.indexOf(a);
        if (i < 0 || in.wrtNodes[i] < 0) {
            return s;
        }
        SparsityPattern p = in.patterns.get(i);
        if (colourings[i] == null || p.out.size() != p.x.size()) {
            return s; // full, or --seeding dense
        }
        s.distance2[i] = colourings[i];
        if (StarColouring.work(p, WORK_LIMIT) == Long.MAX_VALUE) {
            s.notes[i] = String.format(
                    Locale.ROOT,
                    "symmetric: distance-2 colouring %d colours; star colouring not tried (over %.0e edge visits to"
                            + " colour on the driver)",
                    s.distance2[i].colours(),
                    (double) WORK_LIMIT);
            return s;
        }
        s.candidates[i] = StarColouring.of(p);
        return s;
    }

    /**
     * Takes the star colouring of an input whose blocks would sweep more seeds by {@code seeding} (colours present
     * per block, summed; rows for one seed per row), when its compressed rows take at most an eighth of the heap;
     * sets that input's {@code seeding} to null. Returns whether it took one (the blocks are then planned again).
     */
    boolean choose(JacobianInputs in, RowColouring[] seeding, RowBlocks blocks) {
        boolean took = false;
        long rows = in.graph.outputShape().size();
        for (int i = 0; i < candidates.length; i++) {
            StarColouring star = candidates[i];
            if (star == null) {
                continue;
            }
            long seeds = 0;
            if (seeding[i] == null) {
                seeds = rows;
            } else {
                for (int b = 0; b < blocks.count(); b++) {
                    seeds += CompressedSweep.seeds(seeding[i], blocks.start(b), blocks.end(b));
                }
            }
            long bBytes = 8L * star.colours() * star.size();
            boolean fewer = star.colours() < seeds;
            boolean fits = bBytes <= Runtime.getRuntime().maxMemory() / 8;
            String line = String.format(
                    Locale.ROOT,
                    "symmetric: star colouring %d colours, distance-2 colouring %d colours (%.2f×)",
                    star.colours(),
                    distance2[i].colours(),
                    distance2[i].colours() == 0 ? 1.0 : (double) star.colours() / distance2[i].colours());
            if (fewer && fits) {
                used[i] = star;
                seeding[i] = null;
                took = true;
                line += String.format(
                        Locale.ROOT,
                        "; star seeding: %d sweeps over all rows (distance-2 seeding: %d over these blocks), then"
                                + " each block reads its rows back",
                        star.colours(),
                        seeds);
            } else {
                line += fewer
                        ? String.format(
                                Locale.ROOT,
                                "; distance-2 seeding (the star colouring's %d MiB of compressed rows would not fit)",
                                bBytes >> 20)
                        : "; distance-2 seeding (the star colouring saves no sweep over these blocks)";
            }
            notes[i] = line;
            candidates[i] = null;
        }
        return took;
    }

    /** Whether input i is read from star-coloured sweeps. */
    boolean uses(int i) {
        return used[i] != null;
    }

    /** The log's line for input i, or null. */
    String note(int i) {
        return notes[i];
    }

    /** Bytes of the compressed rows the tasks will share: 8 · colours · n per symmetric block. */
    long sharedBytes() {
        long b = 0;
        for (StarColouring c : used) {
            b += c == null ? 0 : 8L * c.colours() * c.size();
        }
        return b;
    }

    /** Colours swept by every symmetric block together: the sweeps made before the row blocks. */
    long sweeps() {
        long n = 0;
        for (StarColouring c : used) {
            n += c == null ? 0 : c.colours();
        }
        return n;
    }

    /** What the colours' sweeps share: the tape, the inputs' nodes and colourings (public for the Kryo registrator). */
    public static final class Shared implements Serializable {
        private static final long serialVersionUID = 1L;
        final Tape tape;
        final int[] wrtNodes;
        final StarColouring[] colourings;

        Shared(Tape tape, int[] wrtNodes, StarColouring[] colourings) {
            this.tape = tape;
            this.wrtNodes = wrtNodes;
            this.colourings = colourings;
        }
    }

    /**
     * Sweeps every used colouring's colours where {@link Tasks} places them (colours × a forward pass), in at least
     * {@code ctx.defaultParallelism()} tasks per input, each holding at most {@link #SWEEP_BYTES} of adjoints; per
     * input, its block ready to read, or null.
     */
    StarBlock[] sweep(JobContext ctx, JacobianInputs in) throws IOException {
        StarBlock[] blocks = new StarBlock[used.length];
        if (sweeps() == 0) {
            return blocks;
        }
        List<int[]> ranges = new ArrayList<>(); // {input, first colour, end colour}
        // seeds per task: the slots' share, and at most SWEEP_BYTES of live adjoints (a seed holds sweepColumns)
        int byMemory = (int) Math.max(1, Math.min(Integer.MAX_VALUE, SWEEP_BYTES / (8 * Seeding.sweepColumns(in))));
        for (int i = 0; i < used.length; i++) {
            StarColouring c = used[i];
            if (c != null) {
                int width = Math.max(1, Math.min(c.colours(), ctx.defaultParallelism()));
                int per = Math.min(byMemory, (c.colours() + width - 1) / width);
                for (int c0 = 0; c0 < c.colours(); c0 += per) {
                    ranges.add(new int[] {i, c0, Math.min(c.colours(), c0 + per)});
                }
            }
        }
        List<DMatrixRMaj> parts;
        try (Tasks<Shared> tasks =
                Tasks.sharing(ctx, in.request.command + "-star", new Shared(in.tape, in.wrtNodes, used))) {
            parts = tasks.map(
                    (double) sweeps() * in.graph.forwardFlops(),
                    ranges,
                    ranges.size(),
                    (d, r) -> ReverseSweep.sweepSeeded(
                            d.tape, new int[] {d.wrtNodes[r[0]]}, d.colourings[r[0]].seeds(r[1], r[2]))[0],
                    null);
        }
        int[] at = new int[used.length];
        for (int t = 0; t < ranges.size(); t++) {
            int i = ranges.get(t)[0];
            if (blocks[i] == null) {
                blocks[i] = new StarBlock(used[i], new DMatrixRMaj(used[i].colours(), used[i].size()));
            }
            DMatrixRMaj part = parts.get(t);
            System.arraycopy(part.data, 0, blocks[i].compressed().data, at[i], part.numRows * part.numCols);
            at[i] += part.numRows * part.numCols;
        }
        return blocks;
    }
}
