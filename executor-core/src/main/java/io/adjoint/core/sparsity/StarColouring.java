package io.adjoint.core.sparsity;

import io.adjoint.core.graph.SparsityPattern;
import java.io.Serializable;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * A star colouring of a symmetric pattern — the pattern of a Hessian block ∂(∇_A f)/∂A (Gebremedhin, Manne,
 * Pothen, "What color is your Jacobian?", SIAM Review 47(4), 2005, §4): vertices are the n rows (= columns), i ~ j
 * when H[i, j] ≠ 0 (i ≠ j) in the pattern or its transpose. Adjacent vertices get different colours and every path on
 * four vertices uses at least three colours. Then, with B = Sᵀ H (row c the sum of H's rows of colour c: one reverse
 * sweep of the gradient seeded with those rows), every entry is read back directly:
 * <ul>
 *   <li>H[i, i] = B[c(i), i] (no other vertex of colour c(i) touches i);</li>
 *   <li>H[i, j] = B[c(j), i] when j is the only neighbour of i coloured c(j), else H[i, j] = H[j, i] = B[c(i), j]
 *       (then i is the only neighbour of j coloured c(i) — what the star condition guarantees).</li>
 * </ul>
 * A distance-2 colouring (rows sharing a column differ, {@link RowColouring}) needs no symmetry but more colours:
 * on an arrow-shaped pattern (a few full rows and columns) it needs n, a star colouring the hubs plus one.
 *
 * <p>The greedy colouring here keeps, as it colours vertex after vertex (largest degree first), every edge between
 * coloured vertices readable by one of the two rules, and forbids the colours that would break one. Per directed
 * edge x→y it keeps how many neighbours of x share y's colour. Cost: O(Σ deg²) time, O(nnz) ints; the caller bounds
 * it ({@link #work}).
 */
public final class StarColouring implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int n;
    private final int colours;
    private final int[] colour;
    /** The symmetric adjacency without the diagonal, CSR, columns sorted. */
    private final int[] ptr;

    private final int[] adj;

    private StarColouring(int n, int colours, int[] colour, int[] ptr, int[] adj) {
        this.n = n;
        this.colours = colours;
        this.colour = colour;
        this.ptr = ptr;
        this.adj = adj;
    }

    /**
     * The work {@link #of} would do on {@code p} — Σ over rows of (entries in the row)², an upper bound on the
     * greedy's edge visits — or {@code Long.MAX_VALUE} when it exceeds {@code limit} (computed from the pattern's
     * terms, never listing its entries beyond that).
     */
    public static long work(SparsityPattern p, long limit) {
        if (!p.nnzBelow(limit)) {
            return Long.MAX_VALUE;
        }
        long w = 0;
        SparsityPattern.Scratch s = p.scratch();
        int rows = p.out.size();
        for (int i = 0; i < rows; i++) {
            long d = p.rowNnz(i, s);
            w += 2 * d * d;
            if (w > limit) {
                return Long.MAX_VALUE;
            }
        }
        return w;
    }

    /** Star-colours the symmetric closure of the square pattern {@code p} (its entries are listed: bound with {@link #work}). */
    public static StarColouring of(SparsityPattern p) {
        int n = p.out.size();
        if (p.x.size() != n) {
            throw new IllegalArgumentException(
                    "a symmetric colouring needs a square pattern, not " + n + " × " + p.x.size());
        }
        boolean[] present = new boolean[n];
        int[][] rows = new int[n][];
        int[] deg = new int[n];
        SparsityPattern.Scratch s = p.scratch();
        for (int i = 0; i < n; i++) {
            rows[i] = p.columns(i, s).clone();
            for (int j : rows[i]) {
                present[i] = true;
                present[j] = true;
                if (j != i) {
                    deg[i]++;
                    deg[j]++;
                }
            }
        }
        int[] ptr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            ptr[i + 1] = ptr[i] + deg[i];
        }
        int[] adj = new int[ptr[n]];
        int[] fill = Arrays.copyOf(ptr, n);
        for (int i = 0; i < n; i++) {
            for (int j : rows[i]) {
                if (j != i) {
                    adj[fill[i]++] = j;
                    adj[fill[j]++] = i;
                }
            }
            rows[i] = null;
        }
        // sort and deduplicate each row (an entry and its transpose both listed), compacting the arrays
        int[] nptr = new int[n + 1];
        int w = 0;
        for (int i = 0; i < n; i++) {
            Arrays.sort(adj, ptr[i], ptr[i + 1]);
            int last = -1;
            for (int e = ptr[i]; e < ptr[i + 1]; e++) {
                if (adj[e] != last) {
                    last = adj[e];
                    adj[w++] = last;
                }
            }
            nptr[i + 1] = w;
        }
        adj = Arrays.copyOf(adj, w);
        int[] colour = new int[n];
        int k = greedy(n, nptr, adj, present, colour);
        return new StarColouring(n, k, colour, nptr, adj);
    }

    /** The greedy star colouring described above; returns the number of colours. */
    private static int greedy(int n, int[] ptr, int[] adj, boolean[] present, int[] colour) {
        int[] rev = new int[adj.length];
        for (int x = 0; x < n; x++) {
            for (int e = ptr[x]; e < ptr[x + 1]; e++) {
                rev[e] = Arrays.binarySearch(adj, ptr[adj[e]], ptr[adj[e] + 1], x);
            }
        }
        // sameColour[x→y]: neighbours of x coloured like y (valid once y is coloured)
        int[] sameColour = new int[adj.length];
        int[] forbidden = new int[n + 1];
        Arrays.fill(forbidden, -1);
        int[] inV = new int[n + 1];
        Arrays.fill(colour, -1);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ptr[b + 1] - ptr[b], ptr[a + 1] - ptr[a]));
        int colours = 0;
        for (int v : order) {
            if (!present[v]) {
                continue;
            }
            for (int e = ptr[v]; e < ptr[v + 1]; e++) {
                int c = colour[adj[e]];
                if (c >= 0) {
                    forbidden[c] = v;
                    inV[c]++;
                }
            }
            for (int e = ptr[v]; e < ptr[v + 1]; e++) {
                int wv = adj[e];
                int b = colour[wv];
                if (b < 0) {
                    continue;
                }
                // edge v–w stays readable if v is w's only neighbour of v's colour, or w is v's only one of b
                boolean wAloneInV = inV[b] == 1;
                for (int f = ptr[wv]; f < ptr[wv + 1]; f++) {
                    int x = adj[f];
                    int a = colour[x];
                    if (x == v || a < 0) {
                        continue;
                    }
                    if (!wAloneInV) {
                        forbidden[a] = v; // v must be the only one of its colour around w
                    } else if (sameColour[f] == 1 && sameColour[rev[f]] >= 2) {
                        // x is w's only neighbour of colour a, and w is not x's only one of b: edge w–x relies on x
                        forbidden[a] = v;
                    }
                }
            }
            int a = 0;
            while (forbidden[a] == v) {
                a++;
            }
            colour[v] = a;
            colours = Math.max(colours, a + 1);
            for (int e = ptr[v]; e < ptr[v + 1]; e++) {
                int x = adj[e];
                if (colour[x] >= 0 && colour[x] != a) {
                    inV[colour[x]] = 0;
                }
                int same = 0;
                for (int g = ptr[x]; g < ptr[x + 1]; g++) {
                    if (colour[adj[g]] == a) {
                        same++;
                    }
                }
                for (int g = ptr[x]; g < ptr[x + 1]; g++) {
                    if (colour[adj[g]] == a) {
                        sameColour[g] = same;
                    }
                }
            }
        }
        return colours;
    }

    /** The number of colours: the reverse sweeps of the gradient that give the whole block. */
    public int colours() {
        return colours;
    }

    /** The number of vertices (rows of the block). */
    public int size() {
        return n;
    }

    /** The colour of vertex i, −1 for a row and column with no entry. */
    public int colour(int i) {
        return colour[i];
    }

    /** The neighbours of i in the symmetric pattern, sorted, without i (a copy). */
    public int[] neighbours(int i) {
        return Arrays.copyOfRange(adj, ptr[i], ptr[i + 1]);
    }

    /** The seeds of colours [c0, c1): (c1 − c0) × n, row c − c0 the sum of the identity's rows of colour c. */
    public DMatrixRMaj seeds(int c0, int c1) {
        DMatrixRMaj s = new DMatrixRMaj(c1 - c0, n);
        for (int i = 0; i < n; i++) {
            int c = colour[i];
            if (c >= c0 && c < c1) {
                s.data[(c - c0) * n + i] = 1.0;
            }
        }
        return s;
    }

    /**
     * H[row, cols[t]] into {@code dst[off + t]}, read from B = Sᵀ H ({@code compressed}, colours × n) by the rules
     * above; every column must be in the symmetric pattern's row (or be the row itself). {@code count} is scratch of
     * {@link #colours()} zeros, left zeroed. Cost O(row's neighbours + cols).
     */
    public void row(DMatrixRMaj compressed, int row, int[] cols, double[] dst, int off, int[] count) {
        countNeighbours(row, count, 1);
        for (int t = 0; t < cols.length; t++) {
            dst[off + t] = entry(compressed, row, cols[t], count);
        }
        countNeighbours(row, count, 0);
    }

    /**
     * Row {@code row} of H as a dense row: its neighbours' entries and its diagonal written into
     * {@code dst[off + column]} (the rest untouched), read as {@link #row} does, with no list of columns made.
     */
    public void rowDense(DMatrixRMaj compressed, int row, double[] dst, int off, int[] count) {
        if (colour[row] < 0) {
            return;
        }
        countNeighbours(row, count, 1);
        for (int e = ptr[row]; e < ptr[row + 1]; e++) {
            dst[off + adj[e]] = entry(compressed, row, adj[e], count);
        }
        dst[off + row] = entry(compressed, row, row, count);
        countNeighbours(row, count, 0);
    }

    /** Adds 1 per neighbour of {@code row} to its colour's count ({@code add} 1), or clears them ({@code add} 0). */
    private void countNeighbours(int row, int[] count, int add) {
        for (int e = ptr[row]; e < ptr[row + 1]; e++) {
            int c = colour[adj[e]];
            count[c] = add == 0 ? 0 : count[c] + add;
        }
    }

    /** H[row, j] by the two rules, with {@code count} holding the colours around {@code row}. */
    private double entry(DMatrixRMaj compressed, int row, int j, int[] count) {
        int m = compressed.numCols;
        int cj = colour[j];
        return j == row || count[cj] == 1 ? compressed.data[cj * m + row] : compressed.data[colour[row] * m + j];
    }

    @Override
    public String toString() {
        return colours + " colours (star) for " + n + " rows";
    }
}
