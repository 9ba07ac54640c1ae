package io.adjoint.core.graph;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.expr.ExpressionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient of an expression as expressions: reverse accumulation of every op's symbolic VJP rule
 * ({@link Function#vjpExpr}) over the compiled graph. For f with output Y and a cotangent G of Y's shape (the
 * number 1 when f is 1×1 and none is given), the gradient of ⟨G, f⟩ with respect to input X is
 *
 * <pre>
 *   X̄ = Σ over the consumers v of X of  rule_v(Ȳ_v)      (adjoints flow from the output back, node by node)
 * </pre>
 *
 * an expression in f's inputs and G whose value equals the VJP of f with that cotangent, and whose Jacobian is
 * the Hessian ∂²⟨G, f⟩/∂X∂W (its JVP a Hessian-vector product). Every node's primal expression is built once and
 * shared, so a sub-expression used by several rules (tanh's value in its own VJP and the next layer's) is one
 * node when the gradient is compiled. Cost: one rule per edge of the graph, O(nodes) expressions.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * The gradient expression of ⟨G, f⟩ for each input in {@code wrt}, in order; an input f does not depend on gets
     * {@code broadcast_like(0, X)} (zeros of its shape).
     *
     * @param g the compiled f
     * @param cotangent the name of the cotangent input G (Y's shape), or null when f is 1×1 (G = 1)
     * @throws ExpressionException when f is not 1×1 and no cotangent is given, or an op on the way has no rule
     */
    public static Map<String, Expr> of(Graph g, FunctionLookup fns, List<String> wrt, String cotangent) {
        return accumulate(g, fns, wrt, cotangent, (fn, a, call, node) -> {
            try {
                return fn.vjpExpr(a, call);
            } catch (UnsupportedOperationException e) {
                throw new ExpressionException("second order needs the symbolic VJP rule of '" + node.name + "' (in '"
                        + node.text + "'): implement vjpExpr(int, SymbolicCall) of its Function ("
                        + fn.getClass().getName() + "); first-order jobs work without it");
            }
        });
    }

    /**
     * The same reverse accumulation, each op's contribution taken through its local Jacobian instead of its symbolic
     * rule ({@code local_vjp<a>_<op>(Ȳ, args…)}, {@code io.adjoint.core.graph.ops.LocalVjp}): the reverse-mode
     * gradient as an expression with values only. Central differences of it are the independent side of a
     * second-order check — a wrong symbolic rule changes {@link #of}'s gradient, not this one.
     */
    public static Map<String, Expr> byLocalJacobians(Graph g, FunctionLookup fns, List<String> wrt, String cotangent) {
        return accumulate(g, fns, wrt, cotangent, (fn, a, call, node) -> {
            List<Expr> args = new ArrayList<>();
            args.add(call.adjoint());
            for (int i = 0; i < node.args.length; i++) {
                args.add(call.arg(i));
            }
            return Expr.call(localVjpName(node.name, a), args, node.literals);
        });
    }

    /**
     * The name of the function that gives op {@code op}'s VJP for argument {@code arg} through its local Jacobian:
     * {@code local_vjp<arg>_<op>} ({@code Functions} resolves it for any op).
     */
    public static String localVjpName(String op, int arg) {
        return "local_vjp" + arg + "_" + op;
    }

    /** One op's contribution to an argument's adjoint. */
    @FunctionalInterface
    private interface Contribution {
        Expr of(Function fn, int arg, SymbolicCall call, Graph.Node node);
    }

    private static Map<String, Expr> accumulate(
            Graph g, FunctionLookup fns, List<String> wrt, String cotangent, Contribution rule) {
        Graph.Node root = g.node(g.output());
        if (cotangent == null && root.shape.size() != 1) {
            throw new ExpressionException("'" + g.source() + "' is " + root.shape + ", not a scalar: a gradient needs"
                    + " a cotangent G of that shape (the gradient of sum(G * f)): give --cotangent G.npy");
        }
        List<Graph.Node> nodes = g.nodes();
        Expr[] primal = new Expr[nodes.size()];
        for (Graph.Node n : nodes) {
            primal[n.id] = primal(n, primal);
        }
        Expr[] adjoint = new Expr[nodes.size()];
        adjoint[root.id] = cotangent == null ? Expr.number(1) : Expr.input(cotangent);
        for (int id = nodes.size() - 1; id >= 0; id--) {
            Graph.Node n = nodes.get(id);
            if (adjoint[id] == null || n.kind != Graph.Kind.APPLY) {
                continue;
            }
            Function fn = fns.get(n.name);
            List<Expr> args = new ArrayList<>();
            List<Shape2> shapes = new ArrayList<>();
            for (int a : n.args) {
                args.add(primal[a]);
                shapes.add(nodes.get(a).shape);
            }
            SymbolicCall call = new SymbolicCall(args, shapes, n.literals, primal[id], n.shape, adjoint[id]);
            for (int a = 0; a < n.args.length; a++) {
                int arg = n.args[a];
                if (nodes.get(arg).kind == Graph.Kind.CONSTANT) {
                    continue;
                }
                Expr contribution = rule.of(fn, a, call, n);
                if (contribution != null) {
                    adjoint[arg] = adjoint[arg] == null ? contribution : Sym.add(adjoint[arg], contribution);
                }
            }
        }
        Map<String, Expr> out = new LinkedHashMap<>();
        for (String x : wrt) {
            Integer id = g.inputs().get(x);
            Expr a = id == null ? null : adjoint[id];
            out.put(x, a != null ? a : Sym.call("broadcast_like", Expr.number(0), Expr.input(x)));
        }
        return out;
    }

    /** The expression of node {@code n}, its arguments' taken from {@code primal}. */
    private static Expr primal(Graph.Node n, Expr[] primal) {
        return switch (n.kind) {
            case INPUT -> Expr.input(n.name);
            case CONSTANT -> Expr.number(n.constant);
            default -> {
                List<Expr> args = new ArrayList<>();
                for (int a : n.args) {
                    args.add(primal[a]);
                }
                yield n.literals.length > 0 ? Expr.call(n.name, args, n.literals) : operator(n.name, args);
            }
        };
    }

    /** {@code name(args)} written with its operator when it has one ({@code A @ B}, {@code -A}, {@code A.T}). */
    private static Expr operator(String name, List<Expr> a) {
        return switch (name) {
            case "add" -> a.get(0).plus(a.get(1));
            case "subtract" -> a.get(0).minus(a.get(1));
            case "multiply" -> a.get(0).times(a.get(1));
            case "divide" -> a.get(0).div(a.get(1));
            case "matmul" -> a.get(0).matmul(a.get(1));
            case "transpose" -> a.get(0).t();
            case "negative" -> a.get(0).neg();
            default -> Expr.call(name, a);
        };
    }

    /**
     * A name for the cotangent input that none of {@code taken} uses: {@code G}, else {@code G_}, {@code G__}, ….
     */
    public static String cotangentName(java.util.Collection<String> taken) {
        String name = "G";
        while (taken.contains(name)) {
            name = name + "_";
        }
        return name;
    }
}
