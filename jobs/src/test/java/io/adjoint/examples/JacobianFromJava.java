package io.adjoint.examples;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.spark.AdjointSpark;
import java.io.IOException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.ejml.data.DMatrixRMaj;

/** ∂ tanh(W @ X + b) / ∂X from Java: in-memory inputs, the Jacobian as an MLlib matrix and as a .npy file. */
public final class JacobianFromJava {
    private JacobianFromJava() {}

    public static void main(String[] args) throws IOException {
        SparkConf conf = new SparkConf().setAppName("jacobian-from-java").setIfMissing("spark.master", "local[*]");
        try (JavaSparkContext jsc = new JavaSparkContext(AdjointSpark.configure(conf))) {
            JacobianInputs in = prepare(jsc, args.length > 0 ? args[0] : null);
            IndexedRowMatrix j = JacobianJob.toIndexedRowMatrix(jsc, in, "X"); // (p·q) × (k·l), no file
            System.out.println("∂out/∂X as a matrix: " + j.numRows() + " × " + j.numCols());
            if (args.length > 0) {
                JacobianJob.run(jsc, in, System.err::println); // args[0]/X.npy, shape (p, q, k, l)
            }
        }
    }

    /** Builds the expression in Java, checks it against the inputs and runs the forward pass once. */
    public static JacobianInputs prepare(JavaSparkContext jsc, String outDir) throws IOException {
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{0.5, -1.0}, {2.0, 0.25}, {-0.5, 1.5}});
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{1.0, 0.0, -1.0, 2.0}, {0.5, 1.0, 0.0, -0.5}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][] {{0.1}, {-0.2}, {0.3}});
        Expr f = Expr.input("W").matmul(Expr.input("X")).plus(Expr.input("b")).call("tanh");
        JacobianRequest req = new JacobianRequest()
                .expression(f)
                .input("W", w)
                .input("X", x)
                .input("b", b)
                .wrt("X")
                .out(outDir); // null: no folder, for toIndexedRowMatrix only
        return JacobianInputs.prepare(req, jsc.hadoopConfiguration(), Functions.standard());
    }
}
