package io.adjoint.driver.gradcheck;

import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.driver.storage.HadoopByteSource;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The input values and forward-pass tape a check's tasks work on, held once per JVM instead of travelling in the
 * broadcast. The broadcast would hold them twice on the driver (the value and its serialized blocks) and once more
 * per executor; here an executor reads the inputs from storage and runs the forward pass once per check, on first
 * use, and in local mode the tasks share the driver's own (offered under the check's key, so nothing is read or
 * evaluated again). One check at a time: a new key drops the previous check's values before loading its own.
 */
final class Evaluations {
    private Evaluations() {}

    private static final Object LOCK = new Object();
    private static String currentKey;
    private static Evaluation current;
    /** How many times a JVM loaded a check's values itself rather than taking the offered ones (tests read it). */
    static int loads;

    /** The values of one check: inputs always, the tape on first use (the sweep needs it; differences do not). */
    static final class Evaluation {
        final Map<String, DMatrixRMaj> inputs;
        private final Graph graph;
        private Tape tape;

        Evaluation(Graph graph, Map<String, DMatrixRMaj> inputs, Tape tape) {
            this.graph = graph;
            this.inputs = inputs;
            this.tape = tape;
        }

        /** The forward pass's tape: one forward pass over the inputs, the first time it is asked for. */
        synchronized Tape tape() {
            if (tape == null) {
                tape = Forward.run(graph, inputs, Functions.standard()).tape;
            }
            return tape;
        }
    }

    /** The driver's own values for check {@code key}: tasks in this JVM use them instead of loading a copy. */
    static void offer(String key, Graph graph, Map<String, DMatrixRMaj> inputs, Tape tape) {
        synchronized (LOCK) {
            currentKey = key;
            current = new Evaluation(graph, inputs, tape);
        }
    }

    /** Drops check {@code key}'s values, if they are still held. */
    static void forget(String key) {
        synchronized (LOCK) {
            if (key.equals(currentKey)) {
                currentKey = null;
                current = null;
            }
        }
    }

    /** The values for {@code d}'s check: held ones, or loaded from the input files (other tasks wait meanwhile). */
    static Evaluation of(CheckData d) throws IOException {
        synchronized (LOCK) {
            if (!d.key.equals(currentKey)) {
                currentKey = null;
                current = null; // the previous check's values may be collected while these load
                current = new Evaluation(d.tapeGraph(), load(d), null);
                currentKey = d.key;
                loads++;
            }
            return current;
        }
    }

    private static Map<String, DMatrixRMaj> load(CheckData d) throws IOException {
        Map<String, DMatrixRMaj> values = new LinkedHashMap<>(d.given);
        for (Map.Entry<String, String> e : d.inputUris.entrySet()) {
            String name = e.getKey();
            Graph g = d.graph.inputs().containsKey(name) ? d.graph : d.tapeGraph();
            Shape2 expected = g.nodes().get(g.inputs().get(name)).shape;
            try (ByteSource src = HadoopByteSource.open(e.getValue(), d.conf.get())) {
                NpyHeader h = NpyHeader.read(src);
                if (h.rank() != 2 || h.dim(0) != expected.rows || h.dim(1) != expected.cols) {
                    throw new IOException("input " + name + " = " + e.getValue() + " is now " + h.shapeString()
                            + ", not the " + expected + " the check started with: it changed during the run");
                }
                values.put(name, NpyReader.readAll(src, h, 1));
            }
        }
        return values;
    }
}
