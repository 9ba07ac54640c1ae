package io.adjoint.core.graph.ops;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.SymbolicCall;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code A[r, c]}: NumPy basic slicing of a 2-D matrix, each index a slice {@code start:stop[:step]} (bounds may be
 * omitted or negative, counted from the end; steps may be negative, {@code A[::-1]} reverses) or a single index (which
 * keeps the axis: {@code A[2, :]} is 1×m, as {@code A[2:3, :]}). Written {@code slice(A, r0, r1, rs, c0, c1, cs)} as a
 * call (NaN for an omitted bound, which only the bracket syntax produces; a backward stop of −n − 1 runs through
 * index 0, as in Python). Stricter than NumPy, and said so in one line: a bound beyond the axis (NumPy clips), an
 * empty result, and a zero step are refused.
 *
 * <p>Y[k, l] = A[r(k), c(l)] with r(k) = r0 + k·rs: an index map ({@link IndexMap}, O(size(Y)) per row of a sweep),
 * the pattern A's rows and columns selected (exact at any size). VJP: Ā = unslice(Ȳ, A, …) — Ȳ placed at the slice,
 * zeros elsewhere ({@link #UNSLICE}, whose own rule is the slice again).
 */
public final class Slicing implements Function {
    private final boolean unslice;

    private Slicing(boolean unslice) {
        this.unslice = unslice;
    }

    /** slice(A, r0, r1, rs, c0, c1, cs), the call behind {@code A[r0:r1:rs, c0:c1:cs]}. */
    public static final Function SLICE = new Slicing(false);

    /** unslice(G, A, r0, r1, rs, c0, c1, cs): A's shape, G at the slice's entries, zeros elsewhere. */
    public static final Function UNSLICE = new Slicing(true);

    @Override
    public String name() {
        return unslice ? "unslice" : "slice";
    }

    @Override
    public int matrixArity() {
        return unslice ? 2 : 1;
    }

    @Override
    public String signature() {
        return unslice
                ? "unslice(G, A, r0, r1, rs, c0, c1, cs): G placed at A[r0:r1:rs, c0:c1:cs], zeros elsewhere"
                : "A[r0:r1:rs, c0:c1:cs] (bounds optional, negative from the end, steps ≠ 0; a single index keeps the"
                        + " axis)";
    }

    /** One axis of a slice, resolved: start, count, step. */
    record Axis(int start, int count, int step) {
        int at(int k) {
            return start + k * step;
        }

        /** Python's rules for {@code start:stop:step} (NaN omitted) on an axis of length n; refusals as above. */
        static Axis of(String axis, int n, double start, double stop, double step) {
            int s = Double.isNaN(step) ? 1 : whole(axis, "step", step);
            if (s == 0) {
                throw new IllegalArgumentException(axis + " step cannot be zero");
            }
            int a;
            int b;
            int count;
            if (s > 0) {
                a = Double.isNaN(start) ? 0 : bound(axis, "start", start, n, -n, n - 1);
                b = Double.isNaN(stop) ? n : bound(axis, "stop", stop, n, -n, n);
                count = b <= a ? 0 : (b - a + s - 1) / s;
            } else {
                // backwards: from start down to just above stop; an omitted stop (or −n − 1) runs through index 0
                a = Double.isNaN(start) ? n - 1 : bound(axis, "start", start, n, -n, n - 1);
                b = Double.isNaN(stop) ? -1 : bound(axis, "stop", stop, n, -n - 1, n - 1);
                count = a <= b ? 0 : (a - b - s - 1) / -s;
            }
            if (count == 0) {
                throw new IllegalArgumentException(
                        axis + " slice " + fmt(start) + ":" + fmt(stop) + " of an axis of length " + n + " is empty");
            }
            return new Axis(a, count, s);
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "" : OpArgs.fmt(v);
        }

        private static int whole(String axis, String what, double v) {
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(axis + " " + what + " must be a whole number, got " + OpArgs.fmt(v));
            }
            return (int) v;
        }

        /**
         * A bound in [min, max], negative counted from the end (a start, or a single index, must name an entry:
         * max = n − 1; a stop may be n going forwards, and −n − 1 — before index 0 — going backwards).
         */
        private static int bound(String axis, String what, double v, int n, int min, int max) {
            int i = whole(axis, what, v);
            if (i < min || i > max) {
                throw new IllegalArgumentException(axis + " " + what + " " + i
                        + " is out of range for an axis of length " + n + " (from " + min + " to " + max + ")");
            }
            return i < 0 ? i + n : i;
        }

        /** The bounds as explicit literals that mean this axis again: the stop of a backward run to 0 is −n − 1. */
        double[] explicit(int n) {
            int stop = at(count - 1) + (step > 0 ? 1 : -1);
            return new double[] {start, stop < 0 ? -n - 1 : stop, step};
        }
    }

    private static Axis[] axes(Shape2 a, double[] lit) {
        if (lit.length != 6) {
            throw new IllegalArgumentException("a slice takes 6 numbers (r0, r1, rs, c0, c1, cs), got " + lit.length);
        }
        return new Axis[] {
            Axis.of("row", a.rows, lit[0], lit[1], lit[2]), Axis.of("column", a.cols, lit[3], lit[4], lit[5])
        };
    }

    /** The bounds made explicit (no NaN, no end-relative start): a rebuilt call prints a slice that parses back. */
    @Override
    public double[] canonicalLiterals(Shape2[] args, double[] lit) {
        Shape2 a = args[unslice ? 1 : 0];
        Axis[] ax = axes(a, lit);
        double[] r = ax[0].explicit(a.rows);
        double[] c = ax[1].explicit(a.cols);
        return new double[] {r[0], r[1], r[2], c[0], c[1], c[2]};
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] lit) {
        Shape2 a = args[unslice ? 1 : 0];
        Axis[] ax = axes(a, lit);
        Shape2 sliced = new Shape2(ax[0].count(), ax[1].count());
        if (unslice) {
            if (!args[0].equals(sliced)) {
                throw new IllegalArgumentException(
                        "shape mismatch: unslice needs G of the slice's shape " + sliced + ", got " + args[0]);
            }
            return a;
        }
        return sliced;
    }

    /** For each entry of the slice (row-major), its index in A. */
    private static int[] positions(Axis[] ax, int cols) {
        int[] p = new int[ax[0].count() * ax[1].count()];
        int o = 0;
        for (int k = 0; k < ax[0].count(); k++) {
            for (int l = 0; l < ax[1].count(); l++) {
                p[o++] = ax[0].at(k) * cols + ax[1].at(l);
            }
        }
        return p;
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] lit) {
        DMatrixRMaj a = args[unslice ? 1 : 0];
        Axis[] ax = axes(OpArgs.shape(a), lit);
        int[] pos = positions(ax, a.numCols);
        if (!unslice) {
            DMatrixRMaj y = new DMatrixRMaj(ax[0].count(), ax[1].count());
            for (int o = 0; o < pos.length; o++) {
                y.data[o] = a.data[pos[o]];
            }
            return new Evaluated(y, new IndexMap(pos, null, a.getNumElements()));
        }
        DMatrixRMaj g = args[0];
        DMatrixRMaj y = new DMatrixRMaj(a.numRows, a.numCols);
        int[] src = new int[a.getNumElements()];
        java.util.Arrays.fill(src, -1);
        for (int o = 0; o < pos.length; o++) {
            y.data[pos[o]] = g.data[o];
            src[pos[o]] = o;
        }
        int[] none = new int[a.getNumElements()];
        java.util.Arrays.fill(none, -1);
        return new Evaluated(
                y, new IndexMap(src, null, g.getNumElements()), new IndexMap(none, null, a.getNumElements()));
    }

    /** Selecting rows and columns keeps columns apart: column-separable only when every column is taken. */
    @Override
    public boolean columnSeparable(Shape2[] args, boolean[] varying, double[] literals) {
        return false;
    }

    /** Exact: the selected rows and columns of the argument's pattern (for unslice, G's placed at the slice). */
    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        Shape2 a = argShapes[unslice ? 1 : 0];
        Axis[] ax = axes(a, literals);
        int[][] rows = new int[unslice ? a.rows : ax[0].count()][];
        int[][] cols = new int[unslice ? a.cols : ax[1].count()][];
        java.util.Arrays.fill(rows, new int[0]);
        java.util.Arrays.fill(cols, new int[0]);
        for (int k = 0; k < ax[0].count(); k++) {
            if (unslice) {
                rows[ax[0].at(k)] = new int[] {k};
            } else {
                rows[k] = new int[] {ax[0].at(k)};
            }
        }
        for (int l = 0; l < ax[1].count(); l++) {
            if (unslice) {
                cols[ax[1].at(l)] = new int[] {l};
            } else {
                cols[l] = new int[] {ax[1].at(l)};
            }
        }
        SparsityPattern p = args[0];
        int from = unslice ? ax[0].count() : a.rows;
        int fromCols = unslice ? ax[1].count() : a.cols;
        return p.mapRows(BoolMatrix.ofRows(from, rows), rows.length)
                .mapCols(BoolMatrix.ofRows(fromCols, cols), cols.length);
    }

    /** slice: Ā = unslice(Ȳ, A, …); unslice: Ḡ = slice(Ȳ, …), nothing for A (its shape only). */
    @Override
    public Expr vjpExpr(int arg, SymbolicCall c) {
        Shape2 a = c.argShape(unslice ? 1 : 0);
        double[] lit = new double[6];
        for (int i = 0; i < 6; i++) {
            lit[i] = c.literal(i);
        }
        Axis[] ax = axes(a, lit);
        double[] r = ax[0].explicit(a.rows);
        double[] cl = ax[1].explicit(a.cols);
        double[] explicit = {r[0], r[1], r[2], cl[0], cl[1], cl[2]};
        if (unslice) {
            return arg == 0 ? Expr.call("slice", java.util.List.of(c.adjoint()), explicit) : null;
        }
        return Expr.call("unslice", java.util.List.of(c.adjoint(), c.arg(0)), explicit);
    }
}
