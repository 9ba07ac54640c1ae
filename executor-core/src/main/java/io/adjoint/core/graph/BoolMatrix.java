package io.adjoint.core.graph;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An immutable rows × cols boolean matrix: either <em>full</em> (every entry true, O(1) space) or sparse, one
 * sorted array of true columns per row (rows may share arrays). The factor of a structural {@link SparsityPattern}: rows
 * index entries of one axis of a node, columns entries of one axis of the input being differentiated.
 */
public final class BoolMatrix implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int[] NONE = new int[0];

    /**
     * Beyond this many true entries a product or union is stored as full: a superset, so patterns stay sound (never
     * miss a non-zero) while the driver's memory stays bounded.
     */
    static final long MAX_EXPLICIT = 1L << 26;

    public final int rows;
    public final int cols;
    private final boolean full;
    private final int[][] rowCols;
    private transient int[] allCols;

    private BoolMatrix(int rows, int cols, boolean full, int[][] rowCols) {
        this.rows = rows;
        this.cols = cols;
        this.full = (full || rows == 0 || cols == 0) ? full : everyRowComplete(rowCols, cols);
        this.rowCols = this.full ? null : rowCols;
    }

    private static boolean everyRowComplete(int[][] rowCols, int cols) {
        for (int[] r : rowCols) {
            if (r.length != cols) {
                return false;
            }
        }
        return true;
    }

    /** Every entry true. */
    public static BoolMatrix full(int rows, int cols) {
        return new BoolMatrix(rows, cols, true, null);
    }

    /** The n × n identity. */
    public static BoolMatrix identity(int n) {
        int[][] r = new int[n][];
        for (int i = 0; i < n; i++) {
            r[i] = new int[] {i};
        }
        return new BoolMatrix(n, n, false, r);
    }

    /** No entry true. */
    public static BoolMatrix empty(int rows, int cols) {
        int[][] r = new int[rows][];
        Arrays.fill(r, NONE);
        return new BoolMatrix(rows, cols, false, r);
    }

    /** From sorted, duplicate-free column arrays per row (not copied). */
    public static BoolMatrix ofRows(int cols, int[][] rowCols) {
        return new BoolMatrix(rowCols.length, cols, false, rowCols);
    }

    /** The structural non-zeros of a dense row-major array (for tests and small local Jacobians). */
    public static BoolMatrix nonZerosOf(int rows, int cols, double[] data) {
        int[][] r = new int[rows][];
        for (int i = 0; i < rows; i++) {
            int n = 0;
            for (int j = 0; j < cols; j++) {
                if (data[i * cols + j] != 0) {
                    n++;
                }
            }
            r[i] = new int[n];
            n = 0;
            for (int j = 0; j < cols; j++) {
                if (data[i * cols + j] != 0) {
                    r[i][n++] = j;
                }
            }
        }
        return ofRows(cols, r);
    }

    public boolean isFull() {
        return full;
    }

    /** The sorted true columns of row i (do not modify). */
    public int[] row(int i) {
        if (!full) {
            return rowCols[i];
        }
        int[] a = allCols;
        if (a == null) {
            a = new int[cols];
            for (int j = 0; j < cols; j++) {
                a[j] = j;
            }
            allCols = a;
        }
        return a;
    }

    public boolean get(int i, int j) {
        return full || Arrays.binarySearch(rowCols[i], j) >= 0;
    }

    /** The number of true entries. */
    public long nnz() {
        if (full) {
            return (long) rows * cols;
        }
        long n = 0;
        for (int[] r : rowCols) {
            n += r.length;
        }
        return n;
    }

    /** True when no entry is. */
    public boolean isEmpty() {
        if (full) {
            return rows == 0 || cols == 0;
        }
        for (int[] r : rowCols) {
            if (r.length > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The boolean product (this · b)[i, c] = ∃k this[i, k] ∧ b[k, c]: row i is the union of b's rows named by row i.
     * Cost O(Σ over true entries (i, k) of |b[k]|), O(rows + cols) when either side is full.
     */
    public BoolMatrix times(BoolMatrix b) {
        if (cols != b.rows) {
            throw new IllegalArgumentException("(" + rows + "×" + cols + ")·(" + b.rows + "×" + b.cols + ")");
        }
        if (full) {
            int[] any = b.orRows().row(0);
            int[][] r = new int[rows][];
            Arrays.fill(r, cols == 0 ? NONE : any);
            return new BoolMatrix(rows, b.cols, false, r);
        }
        if (b.full) {
            int[][] r = new int[rows][];
            int[] all = b.row(0);
            for (int i = 0; i < rows; i++) {
                r[i] = rowCols[i].length == 0 ? NONE : all;
            }
            return new BoolMatrix(rows, b.cols, false, r);
        }
        int[][] r = new int[rows][];
        int[] stamp = new int[b.cols];
        int[] buf = new int[b.cols];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            int[] ks = rowCols[i];
            if (ks.length == 1) {
                r[i] = b.rowCols[ks[0]]; // shared: rows are immutable
            } else {
                int n = 0;
                for (int k : ks) {
                    for (int c : b.rowCols[k]) {
                        if (stamp[c] != i + 1) {
                            stamp[c] = i + 1;
                            buf[n++] = c;
                        }
                    }
                }
                r[i] = Arrays.copyOf(buf, n);
                Arrays.sort(r[i]);
            }
            total += r[i].length;
            if (total > MAX_EXPLICIT) {
                return full(rows, b.cols);
            }
        }
        return new BoolMatrix(rows, b.cols, false, r);
    }

    /** The 1 × cols union of all rows. */
    public BoolMatrix orRows() {
        if (full) {
            return rows == 0 ? empty(1, cols) : full(1, cols);
        }
        boolean[] any = new boolean[cols];
        int n = 0;
        for (int[] r : rowCols) {
            for (int c : r) {
                if (!any[c]) {
                    any[c] = true;
                    n++;
                }
            }
        }
        int[] u = new int[n];
        n = 0;
        for (int c = 0; c < cols; c++) {
            if (any[c]) {
                u[n++] = c;
            }
        }
        return ofRows(cols, new int[][] {u});
    }

    /** The entrywise or. */
    public BoolMatrix or(BoolMatrix b) {
        if (rows != b.rows || cols != b.cols) {
            throw new IllegalArgumentException("shapes differ");
        }
        if (full || b.full) {
            return full(rows, cols);
        }
        int[][] r = new int[rows][];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            r[i] = union(rowCols[i], b.rowCols[i]);
            total += r[i].length;
            if (total > MAX_EXPLICIT) {
                return full(rows, cols);
            }
        }
        return new BoolMatrix(rows, cols, false, r);
    }

    /** The union of two sorted sets. */
    static int[] union(int[] a, int[] b) {
        if (a == b || b.length == 0) {
            return a;
        }
        if (a.length == 0) {
            return b;
        }
        int[] u = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int v;
            if (j == b.length || (i < a.length && a[i] < b[j])) {
                v = a[i++];
            } else if (i == a.length || b[j] < a[i]) {
                v = b[j++];
            } else {
                v = a[i++];
                j++;
            }
            u[n++] = v;
        }
        return n == a.length ? a : n == b.length ? b : Arrays.copyOf(u, n);
    }

    public BoolMatrix transpose() {
        if (full) {
            return full(cols, rows);
        }
        int[] count = new int[cols];
        for (int[] r : rowCols) {
            for (int c : r) {
                count[c]++;
            }
        }
        int[][] t = new int[cols][];
        for (int c = 0; c < cols; c++) {
            t[c] = new int[count[c]];
        }
        Arrays.fill(count, 0);
        for (int i = 0; i < rows; i++) {
            for (int c : rowCols[i]) {
                t[c][count[c]++] = i;
            }
        }
        return new BoolMatrix(cols, rows, false, t);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BoolMatrix b) || b.rows != rows || b.cols != cols) {
            return false;
        }
        if (full || b.full) {
            return full == b.full || (full ? b.nnz() : nnz()) == (long) rows * cols;
        }
        for (int i = 0; i < rows; i++) {
            if (!Arrays.equals(rowCols[i], b.rowCols[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return rows * 31 + cols;
    }

    @Override
    public String toString() {
        return rows + "×" + cols + (full ? " full" : " nnz " + nnz());
    }
}
