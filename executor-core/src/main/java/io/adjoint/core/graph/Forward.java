package io.adjoint.core.graph;

import io.adjoint.core.InvalidInputException;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/** The forward pass: evaluates every node once, in order, recording each edge's local Jacobian. */
public final class Forward {
    /** Node values (index = node id) and the tape. */
    public final DMatrixRMaj[] values;

    public final Tape tape;

    private Forward(DMatrixRMaj[] values, Tape tape) {
        this.values = values;
        this.tape = tape;
    }

    public DMatrixRMaj output() {
        return values[tape.graph.output()];
    }

    /**
     * Runs the graph on {@code inputs} (by name; shapes must match the compiled ones).
     *
     * @throws InvalidInputException when an op cannot be evaluated on these values (a singular matrix in inv)
     */
    public static Forward run(Graph g, Map<String, DMatrixRMaj> inputs, FunctionLookup fns) {
        int n = g.nodes().size();
        DMatrixRMaj[] vals = new DMatrixRMaj[n];
        LocalJacobian[][] jac = new LocalJacobian[n][];
        for (Graph.Node node : g.nodes()) {
            switch (node.kind) {
                case INPUT -> {
                    DMatrixRMaj v = inputs.get(node.name);
                    if (v == null || v.numRows != node.shape.rows || v.numCols != node.shape.cols) {
                        throw new IllegalArgumentException("input " + node.name + " missing or not " + node.shape);
                    }
                    vals[node.id] = v;
                }
                case CONSTANT -> vals[node.id] = new DMatrixRMaj(1, 1, true, node.constant);
                case APPLY -> {
                    DMatrixRMaj[] args = new DMatrixRMaj[node.args.length];
                    for (int i = 0; i < args.length; i++) {
                        args[i] = vals[node.args[i]];
                    }
                    Evaluated ev;
                    try {
                        ev = fns.get(node.name).apply(args, node.literals);
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException("cannot evaluate '" + node.text + "': " + e.getMessage());
                    }
                    if (ev.jacobians.length != args.length) {
                        throw new IllegalStateException(node.name + " returned " + ev.jacobians.length
                                + " local Jacobians for " + args.length + " arguments");
                    }
                    for (int i = 0; i < args.length; i++) {
                        LocalJacobian j = ev.jacobians[i];
                        if (j.outSize() != node.shape.size() || j.inSize() != args[i].getNumElements()) {
                            throw new IllegalStateException(
                                    node.name + ": local Jacobian " + i + " is " + j.outSize() + "×" + j.inSize()
                                            + ", expected " + node.shape.size() + "×" + args[i].getNumElements());
                        }
                    }
                    if (ev.value.numRows != node.shape.rows || ev.value.numCols != node.shape.cols) {
                        throw new IllegalStateException(node.name + " returned " + ev.value.numRows + "×"
                                + ev.value.numCols + ", declared " + node.shape);
                    }
                    vals[node.id] = ev.value;
                    jac[node.id] = ev.jacobians;
                }
            }
        }
        return new Forward(vals, new Tape(g, jac));
    }

    /**
     * The output's value alone, for finite differences: every op's {@link Function#value} (no local Jacobians), and
     * each node's value dropped after its last consumer, so at most the live frontier of values is held instead of
     * every node's value and derivative. The same numbers as {@code run(g, inputs, fns).output()}.
     *
     * @throws InvalidInputException when an op cannot be evaluated on these values
     */
    public static DMatrixRMaj outputValue(Graph g, Map<String, DMatrixRMaj> inputs, FunctionLookup fns) {
        int n = g.nodes().size();
        int[] lastUse = new int[n];
        for (Graph.Node node : g.nodes()) {
            for (int a : node.args) {
                lastUse[a] = node.id;
            }
        }
        DMatrixRMaj[] vals = new DMatrixRMaj[n];
        for (Graph.Node node : g.nodes()) {
            switch (node.kind) {
                case INPUT -> vals[node.id] = inputs.get(node.name);
                case CONSTANT -> vals[node.id] = new DMatrixRMaj(1, 1, true, node.constant);
                case APPLY -> {
                    DMatrixRMaj[] args = new DMatrixRMaj[node.args.length];
                    for (int i = 0; i < args.length; i++) {
                        args[i] = vals[node.args[i]];
                    }
                    try {
                        vals[node.id] = fns.get(node.name).value(args, node.literals);
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException("cannot evaluate '" + node.text + "': " + e.getMessage());
                    }
                    for (int a : node.args) {
                        if (lastUse[a] == node.id && a != g.output()) {
                            vals[a] = null;
                        }
                    }
                }
            }
        }
        return vals[g.output()];
    }
}
