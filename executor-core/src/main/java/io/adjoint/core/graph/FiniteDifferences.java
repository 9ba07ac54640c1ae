package io.adjoint.core.graph;

import java.util.HashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * Central differences: column c of ∂out/∂x is (f(x + h·e_c) − f(x − h·e_c)) / (2h). Error O(h²·f‴) + O(ε/h);
 * two forward passes per input entry.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The (p·q) × size(x) Jacobian of the output with respect to input {@code wrt}, by central differences. */
    public static DMatrixRMaj jacobian(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double h, FunctionLookup fns) {
        return columns(g, inputs, wrt, 0, inputs.get(wrt).getNumElements(), h, fns);
    }

    /**
     * Columns [c0, c1) of the central-difference Jacobian: (p·q) × (c1 − c0), two forward passes per column.
     * Inputs are not modified.
     */
    public static DMatrixRMaj columns(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, int c0, int c1, double h, FunctionLookup fns) {
        DMatrixRMaj x = inputs.get(wrt);
        int outSize = g.outputShape().size();
        DMatrixRMaj jac = new DMatrixRMaj(outSize, c1 - c0);
        Map<String, DMatrixRMaj> in = new HashMap<>(inputs);
        for (int c = c0; c < c1; c++) {
            DMatrixRMaj xp = x.copy();
            xp.data[c] += h;
            in.put(wrt, xp);
            DMatrixRMaj fp = Forward.outputValue(g, in, fns);
            DMatrixRMaj xm = x.copy();
            xm.data[c] -= h;
            in.put(wrt, xm);
            DMatrixRMaj fm = Forward.outputValue(g, in, fns);
            for (int r = 0; r < outSize; r++) {
                jac.set(r, c - c0, (fp.data[r] - fm.data[r]) / (2 * h));
            }
        }
        return jac;
    }

    /**
     * Central differences along group directions: column g is (f(x + h·u_g) − f(x − h·u_g)) / (2h) with u_g the sum
     * of the unit vectors of the entries {@code groups[g]} — Curtis–Powell–Reid compression: when no output entry
     * depends on two entries of one group, row ρ of column g is ∂out_ρ/∂x_c for the one entry c of the group it
     * depends on. (p·q) × groups.length; two forward passes per group.
     */
    public static DMatrixRMaj groups(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, int[][] groups, double h, FunctionLookup fns) {
        DMatrixRMaj x = inputs.get(wrt);
        int outSize = g.outputShape().size();
        DMatrixRMaj jac = new DMatrixRMaj(outSize, groups.length);
        Map<String, DMatrixRMaj> in = new HashMap<>(inputs);
        for (int c = 0; c < groups.length; c++) {
            DMatrixRMaj xp = x.copy();
            for (int e : groups[c]) {
                xp.data[e] += h;
            }
            in.put(wrt, xp);
            DMatrixRMaj fp = Forward.outputValue(g, in, fns);
            DMatrixRMaj xm = x.copy();
            for (int e : groups[c]) {
                xm.data[e] -= h;
            }
            in.put(wrt, xm);
            DMatrixRMaj fm = Forward.outputValue(g, in, fns);
            for (int r = 0; r < outSize; r++) {
                jac.set(r, c, (fp.data[r] - fm.data[r]) / (2 * h));
            }
        }
        return jac;
    }

    /**
     * A projected central difference with what is needed to bound its error, for a projection vᵀJu: returns
     * {n_h, n_2h, ρ²} with n_h = vᵀ(f(x + h·u) − f(x − h·u))/(2h), n_2h the same at step 2h, and
     * ρ² = Σ_i (v_i·(|f_i(x + h·u)| + |f_i(x − h·u)|))². The truncation error of n_h is about (n_2h − n_h)/3 (it
     * scales as h²); its rounding error about ε·ρ/(2h). Four value-only forward passes, one pair of outputs held at a
     * time; inputs are not modified.
     */
    public static double[] projectedWithError(
            Graph g,
            Map<String, DMatrixRMaj> inputs,
            String wrt,
            double[] u,
            double[] v,
            double h,
            FunctionLookup fns) {
        double nh = 0;
        double rounding = 0;
        DMatrixRMaj[] f = shifted(g, inputs, wrt, u, h, fns);
        for (int r = 0; r < v.length; r++) {
            nh += v[r] * ((f[0].data[r] - f[1].data[r]) / (2 * h));
            double t = v[r] * (Math.abs(f[0].data[r]) + Math.abs(f[1].data[r]));
            rounding += t * t;
        }
        f = null; // collectable before the next pair is computed
        f = shifted(g, inputs, wrt, u, 2 * h, fns);
        double n2h = 0;
        for (int r = 0; r < v.length; r++) {
            n2h += v[r] * ((f[0].data[r] - f[1].data[r]) / (4 * h));
        }
        return new double[] {nh, n2h, rounding};
    }

    /** f(x + h·u) and f(x − h·u). */
    private static DMatrixRMaj[] shifted(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double[] u, double h, FunctionLookup fns) {
        DMatrixRMaj x = inputs.get(wrt);
        Map<String, DMatrixRMaj> in = new HashMap<>(inputs);
        DMatrixRMaj shifted = x.copy();
        for (int i = 0; i < u.length; i++) {
            shifted.data[i] += h * u[i];
        }
        in.put(wrt, shifted);
        DMatrixRMaj fp = Forward.outputValue(g, in, fns);
        if (fp == shifted) {
            fp = fp.copy(); // the output is the input itself: keep f(x + h·u) before x is shifted the other way
        }
        for (int i = 0; i < u.length; i++) {
            shifted.data[i] = x.data[i] - h * u[i];
        }
        DMatrixRMaj fm = Forward.outputValue(g, in, fns);
        return new DMatrixRMaj[] {fp, fm};
    }
}
