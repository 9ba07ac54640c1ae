package io.adjoint.core.graph;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structural pattern of ∂v/∂x for one node v (shape m × n) and one input x (shape k × l): which entries of x
 * each entry of v can depend on, from the graph's structure alone (values are taken as generic: a product with
 * a matrix is assumed to mix along its dense axis). Held factored, never as the (m·n) × (k·l) boolean matrix:
 *
 * <pre>
 *   v[i, j] depends on x[r, s]  ⇔  ∃ term t:   straight: R_t[i, r] ∧ C_t[j, s]
 *                                               crossed:  R_t[i, s] ∧ C_t[j, r]
 * </pre>
 *
 * a union of Kronecker products of small boolean factors (R_t: m × k or m × l, C_t: n × l or n × k; crossed
 * terms come from transposes). Every op's rule maps terms to terms ({@link #mapRows}, {@link #mapCols},
 * {@link #transposed}, {@link #trace}, {@link #everyOnAll}); for the MLP d/dX it is one term, (full, identity),
 * about 2·n words. Row ρ = i·n + j of the matricized pattern lists columns r·l + s.
 *
 * <p>Terms with equal factors merge exactly; beyond {@link #MAX_TERMS} terms they merge into a superset (their
 * factors or-ed), so the pattern may then over-state, never under-state, the non-zeros.
 */
public final class SparsityPattern implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_TERMS = 16;

    /** One Kronecker term. */
    public record Term(BoolMatrix r, BoolMatrix c, boolean crossed) implements Serializable {}

    public final Shape2 out;
    public final Shape2 x;
    private final List<Term> terms;
    private transient long nnz = -1;

    private SparsityPattern(Shape2 out, Shape2 x, List<Term> terms) {
        this.out = out;
        this.x = x;
        this.terms = List.copyOf(terms);
    }

    /** No dependence. */
    public static SparsityPattern empty(Shape2 out, Shape2 x) {
        return new SparsityPattern(out, x, List.of());
    }

    /**
     * A matricized pattern given entry by entry: out an m.rows × 1 column, x an m.cols × 1 column, row i's columns
     * m's row i (tests, and patterns built outside the graph).
     */
    public static SparsityPattern ofMatrix(BoolMatrix m) {
        return new SparsityPattern(
                new Shape2(m.rows, 1), new Shape2(m.cols, 1), List.of(new Term(m, BoolMatrix.full(1, 1), false)));
    }

    /** The input itself: v = x, entry (i, j) depends on x[i, j] only. */
    public static SparsityPattern identity(Shape2 x) {
        return new SparsityPattern(
                x, x, List.of(new Term(BoolMatrix.identity(x.rows), BoolMatrix.identity(x.cols), false)));
    }

    /** Every entry of {@code out} depends on every entry of x (the dense pattern). */
    public static SparsityPattern full(Shape2 out, Shape2 x) {
        return new SparsityPattern(
                out, x, List.of(new Term(BoolMatrix.full(out.rows, x.rows), BoolMatrix.full(out.cols, x.cols), false)));
    }

    public List<Term> terms() {
        return terms;
    }

    public boolean isEmpty() {
        for (Term t : terms) {
            if (!t.r.isEmpty() && !t.c.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every entry depends on every entry of x. */
    public boolean isFull() {
        for (Term t : terms) {
            if (t.r.isFull() && t.c.isFull()) {
                return true;
            }
        }
        return false;
    }

    /** The dependence of the union v1 ∪ v2 (same shapes): what a sum of two dependents depends on. */
    public SparsityPattern or(SparsityPattern o) {
        check(o.out, o.x);
        List<Term> all = new ArrayList<>(terms);
        all.addAll(o.terms);
        return new SparsityPattern(out, x, normalize(all));
    }

    private void check(Shape2 o, Shape2 ox) {
        if (!o.equals(out) || !ox.equals(x)) {
            throw new IllegalArgumentException("patterns of " + out + " w.r.t. " + x + " and " + o + " w.r.t. " + ox);
        }
    }

    /**
     * The pattern of w with w[i, j] depending on v[i2, j] for the true entries {@code m}[i, i2] (m: rows(w) ×
     * rows(v)) — broadcasting a row (m all-true column), reducing over rows (m one all-true row), mixing rows.
     */
    public SparsityPattern mapRows(BoolMatrix m, int newRows) {
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            t.add(new Term(m.times(a.r), a.c, a.crossed));
        }
        return new SparsityPattern(new Shape2(newRows, out.cols), x, normalize(t));
    }

    /** As {@link #mapRows}, along columns: w[i, j] depends on v[i, j2] for the true entries m[j, j2]. */
    public SparsityPattern mapCols(BoolMatrix m, int newCols) {
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            t.add(new Term(a.r, m.times(a.c), a.crossed));
        }
        return new SparsityPattern(new Shape2(out.rows, newCols), x, normalize(t));
    }

    /** The pattern of vᵀ. */
    public SparsityPattern transposed() {
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            t.add(new Term(a.c, a.r, !a.crossed));
        }
        return new SparsityPattern(new Shape2(out.cols, out.rows), x, t);
    }

    /**
     * The pattern of the transposed matricization Jᵀ, (k·l) × (m·n): row r·l + s lists the entries of v that
     * depend on x[r, s] — the columns of J, for column colourings (Curtis–Powell–Reid) and column reads.
     */
    public SparsityPattern transposedMatrix() {
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            // straight R[i,r] C[j,s] → R'[r,i] C'[s,j]; crossed R[i,s] C[j,r] → R'[r,j] = C[j,r], C'[s,i] = R[i,s]
            t.add(
                    a.crossed
                            ? new Term(a.c.transpose(), a.r.transpose(), true)
                            : new Term(a.r.transpose(), a.c.transpose(), false));
        }
        return new SparsityPattern(x, out, t);
    }

    /** The pattern of trace(v) (1 × 1): Σ_i v[i, i] depends on what each diagonal entry depends on. */
    public SparsityPattern trace() {
        int d = Math.min(out.rows, out.cols);
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            for (int i = 0; i < d; i++) {
                int[] ri = a.r.row(i);
                int[] ci = a.c.row(i);
                if (ri.length > 0 && ci.length > 0) {
                    t.add(new Term(
                            BoolMatrix.ofRows(a.r.cols, new int[][] {ri}),
                            BoolMatrix.ofRows(a.c.cols, new int[][] {ci}),
                            a.crossed));
                }
            }
        }
        return new SparsityPattern(new Shape2(1, 1), x, normalize(t));
    }

    /**
     * Every entry of a new node of shape {@code shape} depends on every entry of x that any entry of v depends on
     * — the rule for ops that mix everything ({@code inv}) and the default for user ops.
     */
    public SparsityPattern everyOnAll(Shape2 shape) {
        List<Term> t = new ArrayList<>();
        for (Term a : terms) {
            if (a.r.isEmpty() || a.c.isEmpty()) {
                continue;
            }
            int[] xr = (a.crossed ? a.c : a.r).orRows().row(0);
            int[] xc = (a.crossed ? a.r : a.c).orRows().row(0);
            t.add(new Term(
                    BoolMatrix.ofRows(x.rows, repeat(xr, shape.rows)),
                    BoolMatrix.ofRows(x.cols, repeat(xc, shape.cols)),
                    false));
        }
        return new SparsityPattern(shape, x, normalize(t));
    }

    /** {@link #everyOnAll(Shape2)} over the union of the arguments' patterns (at least one argument). */
    public static SparsityPattern everyOnAll(SparsityPattern[] args, Shape2 out) {
        SparsityPattern p = args[0].everyOnAll(out);
        for (int a = 1; a < args.length; a++) {
            p = p.or(args[a].everyOnAll(out));
        }
        return p;
    }

    /** Up to this many entries of a gathered node, {@link #gather} lists them; beyond, the everyOnAll superset. */
    public static final int GATHER_EXACT = 1024;

    /**
     * The pattern of a node w of shape {@code to} whose entry o (row-major) reads entry {@code src[o]} of this node
     * (−1: none) — reshape, diag, tril. One term per entry, merged: exact while they merge into {@link #MAX_TERMS}
     * or fewer, a sound superset beyond; past {@link #GATHER_EXACT} entries of w, at once the superset "every entry
     * of w depends on all this node depends on" ({@link #everyOnAll}). Separable moves (slices, concatenation, kron) use {@link #mapRows}/{@link #mapCols}: exact at any
     * size.
     */
    public SparsityPattern gather(Shape2 to, int[] src) {
        if (to.size() > GATHER_EXACT) {
            return everyOnAll(to);
        }
        List<Term> t = new ArrayList<>();
        for (int o = 0; o < src.length; o++) {
            if (src[o] < 0) {
                continue;
            }
            int i = src[o] / out.cols;
            int j = src[o] % out.cols;
            for (Term a : terms) {
                int[] ri = a.r.row(i);
                int[] cj = a.c.row(j);
                if (ri.length == 0 || cj.length == 0) {
                    continue;
                }
                int[][] r = new int[to.rows][];
                int[][] c = new int[to.cols][];
                Arrays.fill(r, new int[0]);
                Arrays.fill(c, new int[0]);
                r[o / to.cols] = ri;
                c[o % to.cols] = cj;
                t.add(new Term(BoolMatrix.ofRows(a.r.cols, r), BoolMatrix.ofRows(a.c.cols, c), a.crossed));
            }
        }
        return new SparsityPattern(to, x, normalize(t));
    }

    /**
     * The pattern of a node of shape {@code out} that reads entry (i, j) of this node through NumPy broadcasting
     * (each axis equal, or 1 and repeated): the rule of elementwise binary ops, per argument.
     */
    public SparsityPattern broadcastTo(Shape2 to) {
        SparsityPattern p = this;
        if (out.rows != to.rows) {
            p = p.mapRows(BoolMatrix.full(to.rows, 1), to.rows);
        }
        if (out.cols != to.cols) {
            p = p.mapCols(BoolMatrix.full(to.cols, 1), to.cols);
        }
        return p;
    }

    private static int[][] repeat(int[] row, int n) {
        int[][] r = new int[n][];
        Arrays.fill(r, row);
        return r;
    }

    /** Terms with an empty factor dropped, equal factors merged exactly, at most MAX_TERMS (or-ed beyond). */
    private static List<Term> normalize(List<Term> in) {
        List<Term> t = new ArrayList<>();
        for (Term a : in) {
            if (a.r.isEmpty() || a.c.isEmpty()) {
                continue;
            }
            boolean merged = false;
            for (int i = 0; i < t.size() && !merged; i++) {
                Term b = t.get(i);
                if (b.crossed != a.crossed) {
                    continue;
                }
                if (b.r.equals(a.r)) {
                    t.set(i, new Term(b.r, b.c.or(a.c), b.crossed));
                    merged = true;
                } else if (b.c.equals(a.c)) {
                    t.set(i, new Term(b.r.or(a.r), b.c, b.crossed));
                    merged = true;
                }
            }
            if (!merged) {
                t.add(a);
            }
        }
        while (t.size() > MAX_TERMS) {
            // a superset: (R1 ∨ R2) ⊗ (C1 ∨ C2) ⊇ R1⊗C1 ∪ R2⊗C2, for two terms of one orientation
            Term a = t.remove(t.size() - 1);
            int same = -1;
            for (int i = t.size() - 1; i >= 0 && same < 0; i--) {
                if (t.get(i).crossed == a.crossed) {
                    same = i;
                }
            }
            if (same < 0) {
                t.remove(t.size() - 1);
                t.add(toStraightAll(a));
            } else {
                Term b = t.get(same);
                t.set(same, new Term(b.r.or(a.r), b.c.or(a.c), b.crossed));
            }
        }
        return t;
    }

    /** The full straight term of a's shapes: the superset of two terms of different orientations. */
    private static Term toStraightAll(Term a) {
        int rows = a.r.rows;
        int cols = a.c.rows;
        int xr = a.crossed ? a.c.cols : a.r.cols;
        int xc = a.crossed ? a.r.cols : a.c.cols;
        return new Term(BoolMatrix.full(rows, xr), BoolMatrix.full(cols, xc), false);
    }

    /**
     * One term containing this pattern: the exact pattern when it has one term; else the terms' factors or-ed (one
     * orientation) or the full pattern (mixed orientations). What colourings use beyond the explicit size limit.
     */
    public SparsityPattern singleTerm() {
        if (terms.size() <= 1) {
            return this;
        }
        Term m = terms.get(0);
        for (int t = 1; t < terms.size(); t++) {
            Term a = terms.get(t);
            m = a.crossed == m.crossed ? new Term(m.r.or(a.r), m.c.or(a.c), m.crossed) : toStraightAll(m);
        }
        return new SparsityPattern(out, x, List.of(m));
    }

    // ---- the matricized pattern, row by row ----

    /**
     * The sorted columns r·l + s of row ρ = i·n + j of the (m·n) × (k·l) matricized pattern. {@code scratch} is
     * the caller's (used only when several terms overlap).
     */
    public int[] columns(long row, Scratch scratch) {
        int i = (int) (row / out.cols);
        int j = (int) (row % out.cols);
        if (terms.size() == 1) {
            return termColumns(terms.get(0), i, j);
        }
        if (terms.isEmpty()) {
            return new int[0];
        }
        int n = 0;
        for (Term t : terms) {
            n = addTermColumns(t, i, j, scratch, n);
        }
        int[] got = Arrays.copyOf(scratch.buf, n);
        Arrays.sort(got);
        return got;
    }

    /** The number of columns of row ρ. */
    public int rowNnz(long row, Scratch scratch) {
        int i = (int) (row / out.cols);
        int j = (int) (row % out.cols);
        if (terms.size() == 1) {
            Term t = terms.get(0);
            return t.r.row(i).length * t.c.row(j).length;
        }
        return columns(row, scratch).length;
    }

    /** The total number of non-zeros of the matricized pattern (O(rows) for one term). */
    public long nnz() {
        long n = nnz;
        if (n < 0) {
            n = countNnz();
            nnz = n;
        }
        return n;
    }

    private long countNnz() {
        if (terms.isEmpty()) {
            return 0;
        }
        if (terms.size() == 1) {
            Term t = terms.get(0);
            return t.r.nnz() * t.c.nnz();
        }
        Scratch s = new Scratch(x.size());
        long n = 0;
        for (long row = 0; row < out.size(); row++) {
            n += rowNnz(row, s);
        }
        return n;
    }

    /** Whether the terms together list at most {@code limit} entries (an upper bound on {@link #nnz}). */
    public boolean nnzBelow(long limit) {
        long n = 0;
        for (Term t : terms) {
            n += t.r.nnz() * t.c.nnz();
            if (n > limit) {
                return false;
            }
        }
        return true;
    }

    private int[] termColumns(Term t, int i, int j) {
        int[] a = t.r.row(i);
        int[] b = t.c.row(j);
        int[] outer = t.crossed ? b : a; // rows of x
        int[] inner = t.crossed ? a : b; // cols of x
        int[] got = new int[outer.length * inner.length];
        int n = 0;
        for (int r : outer) {
            int base = r * x.cols;
            for (int s : inner) {
                got[n++] = base + s;
            }
        }
        return got;
    }

    private int addTermColumns(Term t, int i, int j, Scratch sc, int n) {
        int[] a = t.r.row(i);
        int[] b = t.c.row(j);
        int[] outer = t.crossed ? b : a;
        int[] inner = t.crossed ? a : b;
        sc.generation++;
        if (sc.generation == 0) {
            Arrays.fill(sc.stamp, 0);
            sc.generation = 1;
        }
        int g = sc.generation;
        // the stamp marks columns already listed for this row: later terms of the same row skip them
        for (int q = 0; q < n; q++) {
            sc.stamp[sc.buf[q]] = g;
        }
        for (int r : outer) {
            int base = r * x.cols;
            for (int s : inner) {
                int c = base + s;
                if (sc.stamp[c] != g) {
                    sc.stamp[c] = g;
                    sc.buf[n++] = c;
                }
            }
        }
        return n;
    }

    /** Scratch for {@link #columns} of this pattern: null for one term (none needed), else sized for x. */
    public Scratch scratch() {
        return terms.size() > 1 ? new Scratch(x.size()) : null;
    }

    /** Per-thread scratch for {@link #columns} of patterns of several terms. */
    public static final class Scratch {
        final int[] stamp;
        final int[] buf;
        int generation;

        public Scratch(int xSize) {
            stamp = new int[xSize];
            buf = new int[xSize];
        }
    }

    /** The whole matricized pattern (for tests and small shapes). */
    public BoolMatrix explicit() {
        int rows = out.size();
        int[][] r = new int[rows][];
        Scratch s = new Scratch(x.size());
        for (int row = 0; row < rows; row++) {
            r[row] = columns(row, s);
        }
        return BoolMatrix.ofRows(x.size(), r);
    }

    @Override
    public String toString() {
        return "SparsityPattern(" + out + " w.r.t. " + x + ", " + terms.size() + " terms)";
    }
}
