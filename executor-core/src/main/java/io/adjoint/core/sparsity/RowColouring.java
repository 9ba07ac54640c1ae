package io.adjoint.core.sparsity;

import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.SparsityPattern;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A colouring of the rows of a pattern so that rows of one colour are structurally orthogonal (share no column):
 * one reverse sweep seeded with the sum of a colour's identity rows gives all of them at once (Curtis–Powell–Reid
 * compression, applied to rows), and row ρ is read back as the compressed row's entries at ρ's columns.
 *
 * <p>For a one-term pattern R ⊗ C (straight or crossed) rows (i, j) and (i', j') conflict only if rows i, i' of
 * R share a column <em>and</em> rows j, j' of C do; so colour(i, j) = colourR(i)·#colours(C) + colourC(j) is valid,
 * with greedy colourings of the two small factors (closed form: a full factor takes one colour per row, an
 * identity one colour). For the MLP d/dX (R full p × k, C identity) that is p colours, the optimum. Several terms
 * are coloured greedily on the explicit pattern when it is small enough, else as their one-term superset
 * ({@link SparsityPattern#singleTerm}). Decompression reads the {@link #pattern() coloured pattern}, which may be a
 * superset of the exact one: entries it adds are read as the zeros they are.
 */
public final class RowColouring implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Explicit greedy colouring up to this many pattern non-zeros. */
    static final long EXPLICIT_LIMIT = 1L << 24;

    private final SparsityPattern pattern;
    private final int colours;
    private final int[] rowColour;
    private final int[] colourR;
    private final int[] colourC;
    private final int coloursC;

    private RowColouring(
            SparsityPattern pattern, int colours, int[] rowColour, int[] colourR, int[] colourC, int coloursC) {
        this.pattern = pattern;
        this.colours = colours;
        this.rowColour = rowColour;
        this.colourR = colourR;
        this.colourC = colourC;
        this.coloursC = coloursC;
    }

    /** Colours the rows of {@code p}. */
    public static RowColouring of(SparsityPattern p) {
        if (p.terms().isEmpty()) {
            return new RowColouring(p, 0, new int[0], null, null, 0);
        }
        if (p.terms().size() > 1 && p.nnzBelow(EXPLICIT_LIMIT)) {
            int[] c = new int[1];
            int[] rc = greedy(p.explicit(), c);
            return new RowColouring(p, c[0], rc, null, null, 0);
        }
        SparsityPattern one = p.singleTerm();
        SparsityPattern.Term t = one.terms().get(0);
        int[] nr = new int[1];
        int[] nc = new int[1];
        int[] cr = greedy(t.r(), nr);
        int[] cc = greedy(t.c(), nc);
        return new RowColouring(one, nr[0] * nc[0], null, cr, cc, nc[0]);
    }

    /** The number of colours: reverse sweeps needed for the whole Jacobian. */
    public int colours() {
        return colours;
    }

    /** The pattern the colouring is valid for, and decompression reads. */
    public SparsityPattern pattern() {
        return pattern;
    }

    /** The colour of row ρ of the matricized pattern, or −1 for a row with no non-zero. */
    public int colour(long row) {
        if (rowColour != null) {
            return rowColour.length == 0 ? -1 : rowColour[(int) row];
        }
        int i = (int) (row / pattern.out.cols);
        int j = (int) (row % pattern.out.cols);
        int a = colourR[i];
        int b = colourC[j];
        return a < 0 || b < 0 ? -1 : a * coloursC + b;
    }

    /**
     * The colours present among indices [from, to), numbered 0, 1, … in order of first appearance:
     * {@code slotOf[i − from]} receives index i's slot (−1 for an empty row). Returns the number of slots — the
     * seeds (rows) or perturbations (columns) a block needs.
     */
    public int slots(long from, long to, int[] slotOf) {
        java.util.HashMap<Integer, Integer> slot = new java.util.HashMap<>();
        for (long i = from; i < to; i++) {
            int c = colour(i);
            slotOf[(int) (i - from)] = c < 0 ? -1 : slot.computeIfAbsent(c, k -> slot.size());
        }
        return slot.size();
    }

    /**
     * Greedy distance-2 colouring of the rows of m (rows sharing a column differ; empty rows get −1), rows in
     * order, smallest free colour. A full matrix takes one colour per row without search. Cost
     * O(Σ over columns of (rows in the column)²). {@code count[0]} receives the number of colours.
     */
    public static int[] greedy(BoolMatrix m, int[] count) {
        int[] colour = new int[m.rows];
        if (m.isFull()) {
            for (int i = 0; i < m.rows; i++) {
                colour[i] = m.cols == 0 ? -1 : i;
            }
            count[0] = m.cols == 0 ? 0 : m.rows;
            return colour;
        }
        BoolMatrix t = m.transpose();
        int[] mark = new int[m.rows + 1];
        Arrays.fill(mark, -1);
        int n = 0;
        for (int i = 0; i < m.rows; i++) {
            int[] cols = m.row(i);
            if (cols.length == 0) {
                colour[i] = -1;
                continue;
            }
            for (int c : cols) {
                for (int other : t.row(c)) {
                    if (other < i && colour[other] >= 0) {
                        mark[colour[other]] = i;
                    }
                }
            }
            int k = 0;
            while (mark[k] == i) {
                k++;
            }
            colour[i] = k;
            n = Math.max(n, k + 1);
        }
        count[0] = n;
        return colour;
    }

    @Override
    public String toString() {
        return colours + " colours for " + pattern.out.size() + " rows";
    }
}
