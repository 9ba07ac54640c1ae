package io.adjoint.jobs.bench;

import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.sparsity.CompressedSweep;
import io.adjoint.core.sparsity.GraphPattern;
import io.adjoint.core.sparsity.RowColouring;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code adjoint bench sweep}: the reverse-sweep engine alone, one thread, on the MLP
 * f(X) = tanh(W2 @ tanh(W1 @ X + b1) + b2) (W n×n, X n×n, b n×1): every row of ∂f/∂X by one seed per row (blocks of
 * 64 rows, as the planner's minimum) against compressed seeding (one seed per colour, blocks of 8 colour runs), and
 * the expansion of the compressed rows into dense rows, timed apart. No Spark, no I/O: what "sweep compute" means.
 */
public final class SweepBenchmark {
    private SweepBenchmark() {}

    public static void run(int[] sizes, int reps, PrintStream out) {
        out.println("f(X) = tanh(W2 @ tanh(W1 @ X + b1) + b2), d/dX, one thread, medians of " + reps);
        out.println();
        out.println("| n | rows (dense seeds) | colours (compressed seeds) | dense sweep | compressed sweep | ratio"
                + " | expansion to dense rows |");
        out.println("|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            Random rng = new Random(n);
            Map<String, DMatrixRMaj> in = new LinkedHashMap<>();
            for (String name : new String[] {"W1", "W2", "X", "b1", "b2"}) {
                DMatrixRMaj m = new DMatrixRMaj(n, name.startsWith("b") ? 1 : n);
                double s = name.startsWith("W") ? 1 / Math.sqrt(n) : 1;
                for (int i = 0; i < m.data.length; i++) {
                    m.data[i] = s * rng.nextGaussian();
                }
                in.put(name, m);
            }
            Map<String, Shape2> shapes = new LinkedHashMap<>();
            in.forEach((k, v) -> shapes.put(k, new Shape2(v.numRows, v.numCols)));
            Functions fns = Functions.standard();
            Graph g =
                    Graph.compile(io.adjoint.core.expr.Parser.parse("tanh(W2 @ tanh(W1 @ X + b1) + b2)"), shapes, fns);
            Forward f = Forward.run(g, in, fns);
            int x = g.inputs().get("X");
            SparsityPattern p = GraphPattern.of(g, fns, x);
            RowColouring c = RowColouring.of(p);
            long rows = (long) n * n;
            double[] dense = new double[reps];
            double[] comp = new double[reps];
            double[] expand = new double[reps];
            for (int rep = 0; rep < reps; rep++) {
                long t0 = System.nanoTime();
                for (long r0 = 0; r0 < rows; r0 += 64) {
                    ReverseSweep.sweep(f.tape, new int[] {x}, r0, Math.min(rows, r0 + 64));
                }
                dense[rep] = (System.nanoTime() - t0) / 1e9;
                long block = 8L * n;
                DMatrixRMaj buf = new DMatrixRMaj((int) block, n * n);
                long sweep = 0;
                long exp = 0;
                for (long r0 = 0; r0 < rows; r0 += block) {
                    long r1 = Math.min(rows, r0 + block);
                    long a = System.nanoTime();
                    CompressedSweep.Block b = CompressedSweep.sweep(f.tape, x, c, r0, r1);
                    long m = System.nanoTime();
                    buf.reshape((int) (r1 - r0), n * n);
                    b.expandInto(buf, null);
                    exp += System.nanoTime() - m;
                    sweep += m - a;
                }
                comp[rep] = sweep / 1e9;
                expand[rep] = exp / 1e9;
            }
            double d = median(dense);
            double s = median(comp);
            out.println(String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %.2f s | %.3f s | %.0f× less | %.2f s |",
                    n,
                    rows,
                    c.colours(),
                    d,
                    s,
                    d / s,
                    median(expand)));
            out.flush();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
