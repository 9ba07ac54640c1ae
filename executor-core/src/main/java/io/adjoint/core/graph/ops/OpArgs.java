package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Shape2;
import org.ejml.data.DMatrixRMaj;

/** Argument checks and formatting the built-in ops share. */
final class OpArgs {
    private OpArgs() {}

    static Shape2 shape(DMatrixRMaj x) {
        return new Shape2(x.numRows, x.numCols);
    }

    /** Refuses number arguments to an op that takes none, quoting its signature. */
    static void noLiterals(String name, String sig, double[] lit) {
        if (lit.length != 0) {
            throw new IllegalArgumentException(name + " takes no number arguments: " + sig);
        }
    }

    /** Refuses a non-square argument: "shape mismatch: NAME needs a square WHAT, got (r, c)". */
    static void square(String name, String what, Shape2 a) {
        if (a.rows != a.cols) {
            throw new IllegalArgumentException("shape mismatch: " + name + " needs a square " + what + ", got " + a);
        }
    }

    /** Refuses a right-hand side B whose rows are not the square A's ({@code call}: "solve(A, B)"). */
    static void sameRows(String call, String aName, Shape2 a, Shape2 b) {
        if (b.rows != a.rows) {
            throw new IllegalArgumentException("shape mismatch: " + call + " needs B with " + aName + "'s " + a.rows
                    + " rows, got " + aName + " " + a + " and B " + b);
        }
    }

    /** A literal as written: {@code 2} for 2.0, {@code 0.5} otherwise. */
    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
