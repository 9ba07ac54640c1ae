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
     * The directional derivative J·u ≈ (f(x + h·u) − f(x − h·u)) / (2h) for a direction u over the entries
     * of input {@code wrt} (flattened row-major): two forward passes. Returns p·q values.
     */
    public static double[] directional(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double[] u, double h, FunctionLookup fns) {
        DMatrixRMaj[] f = shifted(g, inputs, wrt, u, h, fns);
        double[] out = new double[f[0].getNumElements()];
        for (int r = 0; r < out.length; r++) {
            out[r] = (f[0].data[r] - f[1].data[r]) / (2 * h);
        }
        return out;
    }

    /**
     * A central difference along u with what is needed to bound its error: the derivative at step h,
     * d_h = (f(x + h·u) − f(x − h·u)) / (2h), the same at step 2h, and the magnitudes |f(x + h·u)| + |f(x − h·u)|.
     * The truncation error of d_h is about (d_2h − d_h) / 3 (it scales as h²); its rounding error about
     * ε·magnitude / (2h) per entry. Four forward passes; inputs are not modified.
     */
    public static final class Directional {
        /** d_h, one value per output entry. */
        public final double[] atH;
        /** d_2h. */
        public final double[] at2H;
        /** |f(x + h·u)| + |f(x − h·u)|. */
        public final double[] magnitude;

        Directional(double[] atH, double[] at2H, double[] magnitude) {
            this.atH = atH;
            this.at2H = at2H;
            this.magnitude = magnitude;
        }
    }

    /** {@link Directional} for direction u over the entries of input {@code wrt} (flattened row-major). */
    public static Directional directionalWithError(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double[] u, double h, FunctionLookup fns) {
        DMatrixRMaj[] fh = shifted(g, inputs, wrt, u, h, fns);
        DMatrixRMaj[] f2h = shifted(g, inputs, wrt, u, 2 * h, fns);
        int n = fh[0].getNumElements();
        double[] dh = new double[n];
        double[] d2h = new double[n];
        double[] mag = new double[n];
        for (int r = 0; r < n; r++) {
            dh[r] = (fh[0].data[r] - fh[1].data[r]) / (2 * h);
            d2h[r] = (f2h[0].data[r] - f2h[1].data[r]) / (4 * h);
            mag[r] = Math.abs(fh[0].data[r]) + Math.abs(fh[1].data[r]);
        }
        return new Directional(dh, d2h, mag);
    }

    /** f(x + h·u) and f(x − h·u). */
    private static DMatrixRMaj[] shifted(
            Graph g, Map<String, DMatrixRMaj> inputs, String wrt, double[] u, double h, FunctionLookup fns) {
        DMatrixRMaj x = inputs.get(wrt);
        Map<String, DMatrixRMaj> in = new HashMap<>(inputs);
        DMatrixRMaj xp = x.copy();
        DMatrixRMaj xm = x.copy();
        for (int i = 0; i < u.length; i++) {
            xp.data[i] += h * u[i];
            xm.data[i] -= h * u[i];
        }
        in.put(wrt, xp);
        DMatrixRMaj fp = Forward.outputValue(g, in, fns);
        in.put(wrt, xm);
        DMatrixRMaj fm = Forward.outputValue(g, in, fns);
        return new DMatrixRMaj[] {fp, fm};
    }
}
