package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.LocalJacobian;
import io.adjoint.core.graph.Selection;
import org.ejml.data.DMatrixRMaj;

/**
 * The local Jacobian of an op that moves entries: out[o] = w[o] · in[src[o]] (src[o] = −1: out[o] does not depend
 * on this argument) — slicing, concatenation, reshape, diag (w = 1), and kron (w the other factor's entry). Row o
 * of the (size(out) × size(in)) Jacobian has one entry, w[o] at column src[o]: never formed.
 *
 * <pre>
 *   Ȳ: B×size(out) → Ā: B×size(in)     Ā[b, src[o]] += w[o]·Ȳ[b, o]        O(B·size(out))
 *   Ȧ: B×size(in)  → Ẏ: B×size(out)    Ẏ[b, o] += w[o]·Ȧ[b, src[o]]
 * </pre>
 * A selection (one entry per row, from a seeded sweep) maps to a selection: no dense row is made.
 */
final class IndexMap implements LocalJacobian {
    private static final long serialVersionUID = 1L;
    private final int[] src;
    /** Per output entry its weight, or null for all ones. */
    private final double[] w;

    private final int inSize;

    IndexMap(int[] src, double[] w, int inSize) {
        this.src = src;
        this.w = w;
        this.inSize = inSize;
    }

    private double w(int o) {
        return w == null ? 1.0 : w[o];
    }

    @Override
    public int outSize() {
        return src.length;
    }

    @Override
    public int inSize() {
        return inSize;
    }

    @Override
    public void vjpAdd(DMatrixRMaj vbar, DMatrixRMaj ubar) {
        int os = src.length;
        for (int b = 0; b < vbar.numRows; b++) {
            int vo = b * os;
            int uo = b * inSize;
            for (int o = 0; o < os; o++) {
                if (src[o] >= 0) {
                    ubar.data[uo + src[o]] += w(o) * vbar.data[vo + o];
                }
            }
        }
    }

    @Override
    public void jvpAdd(DMatrixRMaj udot, DMatrixRMaj vdot) {
        int os = src.length;
        for (int b = 0; b < udot.numRows; b++) {
            int vo = b * os;
            int uo = b * inSize;
            for (int o = 0; o < os; o++) {
                if (src[o] >= 0) {
                    vdot.data[vo + o] += w(o) * udot.data[uo + src[o]];
                }
            }
        }
    }

    @Override
    public DMatrixRMaj dense() {
        DMatrixRMaj d = new DMatrixRMaj(src.length, inSize);
        for (int o = 0; o < src.length; o++) {
            if (src[o] >= 0) {
                d.set(o, src[o], w(o));
            }
        }
        return d;
    }

    /** Row col[b] of this Jacobian is w·e_src: the selection moves to src, scaled (a dropped entry: value 0). */
    @Override
    public Selection mapSelection(Selection vbar) {
        int[] col = new int[vbar.col.length];
        double[] val = new double[vbar.col.length];
        for (int b = 0; b < col.length; b++) {
            int o = vbar.col[b];
            col[b] = src[o] >= 0 ? src[o] : 0;
            val[b] = src[o] >= 0 ? w(o) * vbar.val[b] : 0;
        }
        return new Selection(col, val, inSize);
    }

    @Override
    public void vjpAddSelection(Selection vbar, DMatrixRMaj ubar) {
        for (int b = 0; b < vbar.col.length; b++) {
            int o = vbar.col[b];
            if (src[o] >= 0) {
                ubar.data[b * inSize + src[o]] += w(o) * vbar.val[b];
            }
        }
    }
}
