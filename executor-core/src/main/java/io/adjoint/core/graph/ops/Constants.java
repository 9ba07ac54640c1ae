package io.adjoint.core.graph.ops;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import org.ejml.data.DMatrixRMaj;

/**
 * Constant matrices from numbers alone: eye(n) (or eye(n, m): ones on the main diagonal), ones(r, c), zeros(r, c),
 * as NumPy's. No matrix argument, so no derivative and an empty pattern.
 */
public final class Constants implements Function {
    private final String name;

    private Constants(String name) {
        this.name = name;
    }

    public static final Function EYE = new Constants("eye");
    public static final Function ONES = new Constants("ones");
    public static final Function ZEROS = new Constants("zeros");

    @Override
    public String name() {
        return name;
    }

    @Override
    public int matrixArity() {
        return 0;
    }

    @Override
    public String signature() {
        return name.equals("eye") ? "eye(n) or eye(n, m)" : name + "(r, c)";
    }

    @Override
    public Shape2 outputShape(Shape2[] a, double[] lit) {
        boolean eye = name.equals("eye");
        if (!(lit.length == 2 || (eye && lit.length == 1))) {
            throw new IllegalArgumentException(
                    name + " takes " + (eye ? "one or two numbers" : "two numbers") + ": " + signature());
        }
        for (double v : lit) {
            if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " sizes must be whole numbers ≥ 1, got " + OpArgs.fmt(v));
            }
        }
        int r = (int) lit[0];
        int c = lit.length == 2 ? (int) lit[1] : r;
        if ((long) r * c > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + "(" + r + ", " + c + ") is too large for one matrix");
        }
        return new Shape2(r, c);
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] a, double[] lit) {
        Shape2 s = outputShape(new Shape2[0], lit);
        DMatrixRMaj y = new DMatrixRMaj(s.rows, s.cols);
        if (name.equals("ones")) {
            java.util.Arrays.fill(y.data, 1.0);
        } else if (name.equals("eye")) {
            for (int i = 0; i < Math.min(s.rows, s.cols); i++) {
                y.set(i, i, 1.0);
            }
        }
        return new Evaluated(y);
    }

    @Override
    public SparsityPattern dependence(SparsityPattern[] args, Shape2[] argShapes, Shape2 out, double[] literals) {
        throw new IllegalStateException("a constant has no argument to depend on");
    }
}
