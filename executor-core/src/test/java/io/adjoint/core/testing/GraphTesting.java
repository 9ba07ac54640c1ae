package io.adjoint.core.testing;

import io.adjoint.core.expr.Parser;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.graph.ops.Functions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/** Helpers for expression tests: seeded inputs by a naming convention, compile, full sweeps. */
public final class GraphTesting {
    private GraphTesting() {}

    /**
     * A seeded random input. Conventions: names starting with P are positive (0.5..2), S square and well
     * conditioned (random + 4·I), N away from zero (|x| ≥ 0.2), anything else standard normal.
     */
    public static DMatrixRMaj input(String name, int rows, int cols, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            double g = rng.nextGaussian();
            if (name.startsWith("P")) {
                m.data[i] = 0.5 + 1.5 * rng.nextDouble();
            } else if (name.startsWith("N")) {
                m.data[i] = Math.copySign(0.2 + Math.abs(g), g);
            } else {
                m.data[i] = g;
            }
        }
        if (name.startsWith("S")) {
            for (int i = 0; i < Math.min(rows, cols); i++) {
                m.add(i, i, 4.0);
            }
        }
        return m;
    }

    /** Inputs from "name:rows×cols" specs, e.g. "X:3x4", "b:3x1". */
    public static Map<String, DMatrixRMaj> inputs(long seed, String... specs) {
        Random rng = new Random(seed);
        Map<String, DMatrixRMaj> m = new LinkedHashMap<>();
        for (String s : specs) {
            String[] p = s.split(":");
            String[] d = p[1].split("x");
            m.put(p[0], input(p[0], Integer.parseInt(d[0]), Integer.parseInt(d[1]), rng));
        }
        return m;
    }

    public static Map<String, Shape2> shapes(Map<String, DMatrixRMaj> in) {
        Map<String, Shape2> s = new HashMap<>();
        in.forEach((k, v) -> s.put(k, new Shape2(v.numRows, v.numCols)));
        return s;
    }

    public static Graph compile(String expr, Map<String, DMatrixRMaj> in) {
        return Graph.compile(Parser.parse(expr), shapes(in), Functions.standard());
    }

    /** The full (p·q) × size(wrt) Jacobian by the reverse sweep in blocks of {@code rows}. */
    public static DMatrixRMaj sweepAll(Forward f, String wrt, int rows) {
        return sweepAll(f.tape, wrt, rows);
    }

    /** The full Jacobian (p·q × k·l) from {@code tape}, swept {@code rows} rows at a time. */
    public static DMatrixRMaj sweepAll(Tape tape, String wrt, int rows) {
        Graph g = tape.graph;
        int w = g.inputs().get(wrt);
        int pq = g.outputShape().size();
        DMatrixRMaj out = new DMatrixRMaj(pq, g.node(w).shape.size());
        for (int r0 = 0; r0 < pq; r0 += rows) {
            int r1 = Math.min(pq, r0 + rows);
            DMatrixRMaj blk = ReverseSweep.sweep(tape, new int[] {w}, r0, r1)[0];
            System.arraycopy(blk.data, 0, out.data, r0 * out.numCols, (r1 - r0) * out.numCols);
        }
        return out;
    }

    /** max |a − b| ≤ atol + rtol·|b| entrywise; returns a description of the worst entry when it fails, else null. */
    public static String compare(DMatrixRMaj a, DMatrixRMaj b, double rtol, double atol) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            return "shapes " + a.numRows + "×" + a.numCols + " vs " + b.numRows + "×" + b.numCols;
        }
        for (int i = 0; i < a.getNumElements(); i++) {
            double x = a.data[i];
            double y = b.data[i];
            if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
                return "entry (" + i / a.numCols + ", " + i % a.numCols + "): " + x + " vs " + y;
            }
        }
        return null;
    }
}
