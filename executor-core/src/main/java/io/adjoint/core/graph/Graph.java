package io.adjoint.core.graph;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.expr.ExpressionException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A compiled expression: nodes in topological order (every argument before its consumer), each with its
 * shape; an input used twice is one node with two consumers (fan-out). Holds no values and no code, so
 * it travels to executors as is.
 */
public final class Graph implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Node kinds. */
    public enum Kind {
        INPUT,
        CONSTANT,
        APPLY
    }

    /** One node. */
    public static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        public final int id;
        public final Kind kind;
        /** Input name or function name. */
        public final String name;

        public final double constant;
        public final int[] args;
        public final double[] literals;
        public final Shape2 shape;
        public final String text;

        /** An input or a constant: no arguments. */
        Node(int id, Kind kind, String name, double constant, Shape2 shape, String text) {
            this.id = id;
            this.kind = kind;
            this.name = name;
            this.constant = constant;
            this.args = new int[0];
            this.literals = new double[0];
            this.shape = shape;
            this.text = text;
        }

        /** Function {@code name} applied to the nodes {@code args}, with trailing literal arguments. */
        Node(int id, String name, int[] args, double[] literals, Shape2 shape, String text) {
            this.id = id;
            this.kind = Kind.APPLY;
            this.name = name;
            this.constant = 0;
            this.args = args;
            this.literals = literals;
            this.shape = shape;
            this.text = text;
        }
    }

    private final List<Node> nodes;
    private final int output;
    private final Map<String, Integer> inputs;
    private final String source;

    private Graph(List<Node> nodes, int output, Map<String, Integer> inputs, String source) {
        this.nodes = nodes;
        this.output = output;
        this.inputs = inputs;
        this.source = source;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public int output() {
        return output;
    }

    public Shape2 outputShape() {
        return nodes.get(output).shape;
    }

    /** Input name → node id, for the inputs the expression uses, in order of first use. */
    public Map<String, Integer> inputs() {
        return Collections.unmodifiableMap(inputs);
    }

    public String source() {
        return source;
    }

    /** Flops charged per result entry of an op that is neither a matmul nor an inverse (a transcendental costs ~10). */
    public static final int FLOPS_PER_ENTRY = 10;

    /**
     * An estimate of one forward pass's floating-point work, for planning only: 2·m·k·n per matmul of (m × k)(k × n),
     * 2·n³ per n × n inverse, {@link #FLOPS_PER_ENTRY} per result entry of every other op (elementwise functions,
     * broadcasting, reductions, softmax, transpose). A reverse sweep seeded with one row, or a forward-mode sweep
     * with one tangent, costs about as much per seed; B seeds about B times that.
     */
    public double forwardFlops() {
        double flops = 0;
        for (Node n : nodes) {
            if (n.kind != Kind.APPLY) {
                continue;
            }
            if ("matmul".equals(n.name)) {
                flops += 2.0 * n.shape.rows * n.shape.cols * nodes.get(n.args[0]).shape.cols;
            } else if ("inv".equals(n.name)) {
                flops += 2.0 * n.shape.rows * (double) n.shape.rows * n.shape.rows;
            } else {
                flops += (double) FLOPS_PER_ENTRY * n.shape.size();
            }
        }
        return flops;
    }

    /**
     * Compiles {@code e} against the shapes of the given inputs, checking every shape and name.
     *
     * @throws ExpressionException for an undefined input, an unknown function, a literal where a matrix is
     *     needed (or the reverse), or shapes that do not fit (message shows the sub-expression and shapes)
     */
    public static Graph compile(Expr e, Map<String, Shape2> inputShapes, FunctionLookup fns) {
        Builder b = new Builder(inputShapes, fns);
        int out = b.add(e);
        return new Graph(b.nodes, out, b.inputIds, e.text);
    }

    private static final class Builder {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Integer> inputIds = new LinkedHashMap<>();
        /** Calls and numbers by their text: a sub-expression written (or built) twice is one node. */
        final Map<String, Integer> byText = new java.util.HashMap<>();

        final Map<String, Shape2> shapes;
        final FunctionLookup fns;

        Builder(Map<String, Shape2> shapes, FunctionLookup fns) {
            this.shapes = shapes;
            this.fns = fns;
        }

        static String at(Expr e) {
            return e.column > 0 ? " at column " + e.column : "";
        }

        int add(Expr e) {
            switch (e.kind) {
                case INPUT -> {
                    Integer id = inputIds.get(e.name);
                    if (id != null) {
                        return id;
                    }
                    Shape2 s = shapes.get(e.name);
                    if (s == null) {
                        if (fns.get(e.name) != null) {
                            throw new ExpressionException("'" + e.name + "'" + at(e) + " is a function; call it as "
                                    + fns.get(e.name).signature());
                        }
                        throw new ExpressionException(
                                "undefined input '" + e.name + "'" + at(e) + " (inputs given: "
                                        + (shapes.isEmpty()
                                                ? "none"
                                                : String.join(", ", new TreeSet<>(shapes.keySet())))
                                        + ")",
                                e.name);
                    }
                    int nid = nodes.size();
                    nodes.add(new Node(nid, Kind.INPUT, e.name, 0, s, e.name));
                    inputIds.put(e.name, nid);
                    return nid;
                }
                case NUMBER -> {
                    Integer seen = byText.get("number:" + e.text);
                    if (seen != null) {
                        return seen;
                    }
                    int nid = nodes.size();
                    nodes.add(new Node(nid, Kind.CONSTANT, null, e.number, new Shape2(1, 1), e.text));
                    byText.put("number:" + e.text, nid);
                    return nid;
                }
                default -> {
                    Integer seen = byText.get("call:" + e.text);
                    if (seen != null) {
                        return seen;
                    }
                    Function f = fns.get(e.name);
                    if (f == null) {
                        throw new ExpressionException("unknown function '" + e.name + "'" + at(e) + "; known: "
                                + String.join(", ", fns.names()));
                    }
                    int arity = f.matrixArity();
                    if (f.variadic()) {
                        int k = 0;
                        while (k < e.args.size() && e.args.get(k).kind != Expr.Kind.NUMBER) {
                            k++;
                        }
                        if (k > arity) {
                            // f(A, B, C, lits) → f(f(A, B, lits), C, lits), from the left
                            double[] lv = new double[e.args.size() - k];
                            for (int i = 0; i < lv.length; i++) {
                                lv[i] = e.args.get(k + i).number;
                            }
                            Expr acc = e.args.get(0);
                            for (int i = 1; i < k; i++) {
                                acc = Expr.call(e.name, List.of(acc, e.args.get(i)), lv);
                            }
                            return add(acc);
                        }
                    }
                    if (e.args.size() < arity) {
                        throw new ExpressionException(e.name + at(e) + " needs " + arity + " matrix argument"
                                + (arity == 1 ? "" : "s") + ", got " + e.args.size() + ": " + f.signature());
                    }
                    int[] args = new int[arity];
                    Shape2[] argShapes = new Shape2[arity];
                    for (int i = 0; i < arity; i++) {
                        args[i] = add(e.args.get(i));
                        argShapes[i] = nodes.get(args[i]).shape;
                    }
                    double[] lits = new double[e.args.size() - arity];
                    for (int i = 0; i < lits.length; i++) {
                        Expr l = e.args.get(arity + i);
                        if (l.kind != Expr.Kind.NUMBER) {
                            throw new ExpressionException(e.name + at(e) + ": argument " + (arity + i + 1)
                                    + " must be a" + " number, got '" + l.text + "': " + f.signature());
                        }
                        lits[i] = l.number;
                    }
                    Shape2 s;
                    try {
                        s = f.outputShape(argShapes, lits);
                    } catch (IllegalArgumentException ex) {
                        throw new ExpressionException("in '" + e.text + "'" + at(e) + ": " + ex.getMessage());
                    }
                    int nid = nodes.size();
                    lits = f.canonicalLiterals(argShapes, lits);
                    nodes.add(new Node(nid, e.name, args, lits, s, e.text));
                    byText.put("call:" + e.text, nid);
                    return nid;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Graph(" + source + ", " + nodes.size() + " nodes, output " + outputShape() + ", inputs "
                + Arrays.toString(inputs.keySet().toArray()) + ")";
    }
}
