package io.adjoint.driver.gradcheck;

import java.io.Serializable;

/** One projection's outcome. */
public final class Projection implements Serializable {
    private static final long serialVersionUID = 1L;
    final int id;
    final double analytic;
    final double numeric;
    final double vnorm;
    final double unorm;

    Projection(int id, double analytic, double numeric, double vnorm, double unorm) {
        this.id = id;
        this.analytic = analytic;
        this.numeric = numeric;
        this.vnorm = vnorm;
        this.unorm = unorm;
    }
}
