package io.adjoint.core.testing;

import io.adjoint.core.graph.Evaluated;
import io.adjoint.core.graph.Function;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Elementwise;
import org.ejml.data.DMatrixRMaj;

/** A user-defined op, found through META-INF/services: cube(A) = A³ elementwise, derivative 3A². */
public final class CubeOp implements Function {
    @Override
    public String name() {
        return "cube";
    }

    @Override
    public int matrixArity() {
        return 1;
    }

    @Override
    public String signature() {
        return "cube(A)";
    }

    @Override
    public Shape2 outputShape(Shape2[] args, double[] literals) {
        if (literals.length != 0) {
            throw new IllegalArgumentException("cube takes one matrix");
        }
        return args[0];
    }

    @Override
    public Evaluated apply(DMatrixRMaj[] args, double[] literals) {
        DMatrixRMaj x = args[0];
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, x.numCols);
        double[] d = new double[x.getNumElements()];
        for (int i = 0; i < d.length; i++) {
            double v = x.data[i];
            y.data[i] = v * v * v;
            d[i] = 3 * v * v;
        }
        return new Evaluated(y, Elementwise.diagonal(new Shape2(x.numRows, x.numCols), d));
    }
}
