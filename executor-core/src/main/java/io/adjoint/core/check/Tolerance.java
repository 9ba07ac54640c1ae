package io.adjoint.core.check;

import java.io.Serializable;

/**
 * When an analytic derivative agrees with a numeric one: |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 * <p>Defaults for float64 central differences with step h = 1e-6: the difference quotient's own error is
 * about ε·|f|/h + h²·|f‴|/6 ≈ 1e-10 + 1e-13 for values of order one (ε = 2.2e-16), so rtol = 1e-5 and
 * atol = 1e-6 leave four to five orders of magnitude of margin for badly scaled functions, while a wrong
 * derivative (a sign, a factor 2, a transposition) is off by the size of the derivative itself.
 * (torch.autograd.gradcheck uses eps 1e-6, atol 1e-5, rtol 1e-3, with the same reasoning and more margin.)
 */
public final class Tolerance implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final double DEFAULT_EPS = 1e-6;
    public static final double DEFAULT_RTOL = 1e-5;
    public static final double DEFAULT_ATOL = 1e-6;

    public final double atol;
    public final double rtol;

    public Tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
    }

    public boolean passes(double analytic, double numeric) {
        return Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric);
    }

    /**
     * The relative error reported: |a − n| / max(|n|, atol). Where the numeric value is (near) zero it is measured
     * against atol, the scale below which the tolerance counts absolute error, so it never reads 1e+297.
     */
    public double relError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(Math.abs(numeric), Math.max(atol, Double.MIN_NORMAL));
    }
}
