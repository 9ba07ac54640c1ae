package io.adjoint.driver.jacobian;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.expr.Expr;
import io.adjoint.core.expr.ExpressionException;
import io.adjoint.core.expr.Parser;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.Tape;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.sparsity.GraphPattern;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.plan.BlockPlanner;
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * The validated inputs of a {@code jacobian} job, checked on the driver before Spark starts — names, the
 * expression (syntax, functions, shapes), every input, wrt, rows per task, and the output folder when there is
 * one — then loaded, with the forward pass run once: the tape that executors receive. The one place these
 * checks live; the CLI only maps options to a {@link JacobianRequest}.
 */
public final class JacobianInputs {
    /** What a name must look like before it becomes part of a file name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The longest input name: a wrt name becomes NAME.npy, and its temporaries ".NAME.npy.adjoint-<16 hex>.tmp" and
     * their journal must stay under the 255 bytes most file systems allow for a name.
     */
    public static final int MAX_NAME = 128;

    public final JacobianRequest request;
    public final Graph graph;
    /**
     * The input values the expression uses, by name (what the forward pass ran on). The forward pass's other node
     * values are not kept: what the tape's local Jacobians need, they hold themselves.
     */
    private final Map<String, DMatrixRMaj> inputValues;
    /** What executors receive: the forward pass's tape (or, for the benchmark baseline, a densified copy). */
    public final Tape tape;
    /** wrt names in order, and their node ids in the graph (−1 for an input the expression does not use). */
    public final List<String> wrt;

    public final int[] wrtNodes;
    public final Map<String, Shape2> wrtShapes;
    public final List<String> warnings;
    /** The structural pattern of ∂out/∂X per requested input, in {@link #wrt} order (empty for an unused input). */
    public final List<SparsityPattern> patterns;
    /** Seconds the forward pass took (after the inputs were read, before Spark starts; 0 when not run here). */
    public double forwardSeconds;

    /** What the forward pass made of the request: the compiled graph, the input values it ran on, its tape. */
    private record Evaluated(Graph graph, Map<String, DMatrixRMaj> inputValues, Tape tape) {}

    private JacobianInputs(
            JacobianRequest request,
            Evaluated evaluated,
            List<String> wrt,
            int[] wrtNodes,
            Map<String, Shape2> wrtShapes,
            List<String> warnings,
            List<SparsityPattern> patterns) {
        this.request = request;
        this.patterns = patterns;
        this.graph = evaluated.graph();
        this.inputValues = evaluated.inputValues();
        this.tape = evaluated.tape();
        this.wrt = wrt;
        this.wrtNodes = wrtNodes;
        this.wrtShapes = wrtShapes;
        this.warnings = warnings;
    }

    /**
     * How each Jacobian is written, in {@link #wrt} order: NPY or CSR ({@code AUTO} resolved by its pattern), as the
     * request says now.
     */
    public List<JacobianRequest.Format> formats() {
        return resolveFormats(request, wrt, wrtShapes, patterns, graph.outputShape());
    }

    /**
     * Each input's format: its own ({@link JacobianRequest#formats}) or the request's; {@code AUTO} is CSR when the
     * {@code .npz} of the pattern's entries is smaller than the dense {@code .npy} — O(1) per input, from the pattern's
     * count.
     */
    private static List<JacobianRequest.Format> resolveFormats(
            JacobianRequest req,
            List<String> wrt,
            Map<String, Shape2> shapes,
            List<SparsityPattern> patterns,
            Shape2 out) {
        List<JacobianRequest.Format> f = new ArrayList<>();
        for (int i = 0; i < wrt.size(); i++) {
            JacobianRequest.Format asked = req.formats.getOrDefault(wrt.get(i), req.format);
            if (asked == JacobianRequest.Format.AUTO) {
                asked = csrBytes(patterns.get(i)) < denseBytes(out, shapes.get(wrt.get(i)))
                        ? JacobianRequest.Format.CSR
                        : JacobianRequest.Format.NPY;
            }
            f.add(asked);
        }
        return List.copyOf(f);
    }

    private static long csrBytes(SparsityPattern p) {
        return io.adjoint.driver.commit.CsrResult.fileSize(p);
    }

    private static long denseBytes(Shape2 out, Shape2 x) {
        return io.adjoint.core.npy.NpyWriter.fileSize(new long[] {out.rows, out.cols, x.rows, x.cols});
    }

    /** Whether the Jacobian of requested input {@code i} is written as CSR ({@code NAME.npz}). */
    public boolean csr(int i) {
        return formats().get(i) == JacobianRequest.Format.CSR;
    }

    /** The file name of requested input {@code i}'s Jacobian: {@code NAME.npy} or {@code NAME.npz}. */
    public String fileName(int i) {
        return request.resultPrefix + wrt.get(i) + (csr(i) ? ".npz" : ".npy");
    }

    /**
     * A warning for each input asked for CSR by name or by {@code --format csr} whose {@code .npz} is larger than its
     * dense {@code .npy} would be: the pattern is too full for CSR to pay.
     */
    private List<String> largerThanDense() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < wrt.size(); i++) {
            if (!csr(i)) {
                continue;
            }
            long csr = csrBytes(patterns.get(i));
            long dense = denseBytes(graph.outputShape(), wrtShapes.get(wrt.get(i)));
            if (csr > dense) {
                out.add(String.format(
                        java.util.Locale.ROOT,
                        "%s.npz (%s) is larger than the dense %s.npy would be (%s): its pattern holds %.1f%% of the"
                                + " entries; --format %s=npy (or auto) writes less",
                        wrt.get(i),
                        io.adjoint.driver.destination.Destinations.humanBytes(csr),
                        wrt.get(i),
                        io.adjoint.driver.destination.Destinations.humanBytes(dense),
                        100.0
                                * patterns.get(i).nnz()
                                / Math.max(
                                        1.0,
                                        (double) graph.outputShape().size()
                                                * wrtShapes.get(wrt.get(i)).size()),
                        wrt.get(i)));
            }
        }
        return out;
    }

    /**
     * Validates everything, loads the inputs and runs the forward pass. The output folder is checked when the
     * request names one.
     *
     * @throws InvalidInputException naming the argument or file and what is wrong
     */
    /** The request checked and compiled against its inputs' shapes: only headers are read, nothing is evaluated. */
    public record Compiled(
            Graph graph, Map<String, NpyHeader> headers, Map<String, Shape2> shapes, List<String> names) {}

    /**
     * Every check of {@link #prepare} that needs no input's values — arguments, names, the destination, each input's
     * header — and the expression compiled against the shapes: what printing a gradient needs.
     *
     * @throws InvalidInputException naming the argument or file and what is wrong
     */
    public static Compiled compiled(JacobianRequest req, Configuration conf, FunctionLookup fns) throws IOException {
        String text = req.exprText();
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("--expr is required");
        }
        if (req.wrt.isEmpty()) {
            throw new InvalidInputException("--wrt is required: name the input(s) to differentiate, e.g. --wrt X");
        }
        List<String> names = new ArrayList<>(req.inputs.keySet());
        for (String n : req.values.keySet()) {
            if (req.inputs.containsKey(n)) {
                throw new InvalidInputException("--input " + n + ": given twice (as a file and as a matrix)");
            }
            names.add(n);
        }
        for (String n : names) {
            if (!NAME.matcher(n).matches()) {
                throw new InvalidInputException("--input " + n + "=…: '" + n + "' is not a valid name"
                        + " (letters, digits and _, not starting with a digit)");
            }
            if (n.length() > MAX_NAME) {
                throw new InvalidInputException("--input " + n.substring(0, 16) + "…=…: a name of " + n.length()
                        + " characters; at most " + MAX_NAME + " (it becomes part of file names, which file systems"
                        + " cap at 255 bytes)");
            }
        }
        for (String w : req.wrt) {
            if (!names.contains(w)) {
                throw new InvalidInputException("--wrt " + w + ": not an input (inputs: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            }
        }
        for (String named : req.formats.keySet()) {
            if (!req.wrt.contains(named)) {
                throw new InvalidInputException("--format " + named + "="
                        + req.formats.get(named).name().toLowerCase(java.util.Locale.ROOT) + ": " + named
                        + " is not in --wrt (" + String.join(", ", req.wrt) + ")");
            }
        }
        BlockPlanner.checkRequested(req.rowsPerTask);
        if (req.outDir != null) {
            Destinations.checkFolder(
                    "--out",
                    req.outDir,
                    req.overwrite,
                    req.command.equals("hessian") ? "the Hessian blocks" : "the Jacobians",
                    conf);
            Destinations.refuseOverwritingInputs(
                    "--out " + req.outDir,
                    req.wrt.stream()
                            .flatMap(w -> possibleFiles(req, w).stream().map(f -> new Path(req.outDir, f)))
                            .toList(),
                    req.inputs.values(),
                    conf);
        }
        Expr e = req.expression != null ? req.expression : Parser.parse(text);
        Map<String, NpyHeader> headers = new LinkedHashMap<>();
        Map<String, Shape2> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, String> in : req.inputs.entrySet()) {
            NpyHeader h = StoredArrays.header("--input " + in.getKey() + "=", in.getValue(), conf);
            String label = "--input " + in.getKey() + "=" + in.getValue() + ": ";
            if (h.rank() != 2) {
                throw new InvalidInputException(
                        label + "expressions work on 2-D matrices, got " + h.rank() + "-D shape " + h.shapeString()
                                + " (reshape it, e.g. np.save(path, a.reshape(a.shape[0], -1)))");
            }
            if (h.dim(0) > Integer.MAX_VALUE
                    || h.dim(1) > Integer.MAX_VALUE
                    || h.elementCount() > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(label + h.shapeString() + " is too large for one in-memory matrix");
            }
            headers.put(in.getKey(), h);
            shapes.put(in.getKey(), new Shape2((int) h.dim(0), (int) h.dim(1)));
        }
        req.values.forEach((n, m) -> shapes.put(n, new Shape2(m.numRows, m.numCols)));
        return new Compiled(compile(e, shapes, fns), headers, shapes, names);
    }

    public static JacobianInputs prepare(JacobianRequest req, Configuration conf, FunctionLookup fns)
            throws IOException {
        Compiled c = compiled(req, conf, fns);
        Graph g = c.graph();
        Map<String, NpyHeader> headers = c.headers();
        Map<String, Shape2> shapes = c.shapes();
        List<String> names = c.names();
        List<String> warnings = new ArrayList<>();
        for (String name : names) {
            if (!g.inputs().containsKey(name)) {
                warnings.add("input " + name + " is not used by the expression"
                        + (req.wrt.contains(name) ? "; its Jacobian is all zeros" : ""));
            }
        }
        long pq = g.outputShape().size();
        int[] wrtNodes = new int[req.wrt.size()];
        Map<String, Shape2> wrtShapes = new LinkedHashMap<>();
        for (int i = 0; i < wrtNodes.length; i++) {
            String w = req.wrt.get(i);
            Integer id = g.inputs().get(w);
            wrtNodes[i] = id == null ? -1 : id;
            wrtShapes.put(w, shapes.get(w));
            long cols = shapes.get(w).size();
            if (cols > Integer.MAX_VALUE / 2) {
                throw new InvalidInputException("--wrt " + w + ": " + cols + " columns per Jacobian row is too many");
            }
            Math.multiplyExact(pq, cols);
        }
        Map<String, DMatrixRMaj> values = new LinkedHashMap<>();
        for (String name : g.inputs().keySet()) {
            DMatrixRMaj given = req.values.get(name);
            if (given != null) {
                values.put(name, given);
                continue;
            }
            try (ByteSource src = HadoopByteSource.open(req.inputs.get(name), conf)) {
                values.put(name, NpyReader.readAll(src, headers.get(name), 1));
            }
        }
        long f0 = System.nanoTime();
        Forward f = Forward.run(g, values, fns);
        double forwardSeconds = (System.nanoTime() - f0) / 1e9;
        warnings.addAll(nonFinite(g, f.values));
        List<SparsityPattern> patterns = new ArrayList<>();
        for (int i = 0; i < wrtNodes.length; i++) {
            Shape2 x = wrtShapes.get(req.wrt.get(i));
            patterns.add(
                    wrtNodes[i] < 0 ? SparsityPattern.empty(g.outputShape(), x) : GraphPattern.of(g, fns, wrtNodes[i]));
        }
        JacobianInputs prepared = new JacobianInputs(
                req,
                new Evaluated(g, used(g, values), f.tape),
                new ArrayList<>(req.wrt),
                wrtNodes,
                wrtShapes,
                warnings,
                List.copyOf(patterns));
        prepared.forwardSeconds = forwardSeconds;
        warnings.addAll(prepared.largerThanDense());
        return prepared;
    }

    /**
     * Where the forward pass first meets NaN or ±∞: each input holding such entries, and each sub-expression whose value
     * has them although its arguments have none there (x / 0, sqrt of a negative, log of 0), at most three — the
     * derivatives through them are not finite either, and a result must not hold NaN without a word. O(Σ node sizes).
     */
    static List<String> nonFinite(Graph g, DMatrixRMaj[] values) {
        List<String> out = new ArrayList<>();
        boolean[] bad = new boolean[g.nodes().size()];
        for (Graph.Node n : g.nodes()) {
            DMatrixRMaj v = values[n.id];
            int count = 0;
            for (int i = 0; v != null && i < v.getNumElements(); i++) {
                count += Double.isFinite(v.data[i]) ? 0 : 1;
            }
            bad[n.id] = count > 0;
            boolean inherited = false;
            for (int a : n.args) {
                inherited |= bad[a];
            }
            if (count == 0 || inherited || out.size() == 3) {
                continue;
            }
            String what = n.kind == Graph.Kind.INPUT ? "input " + n.name + " holds" : "'" + n.text + "' is";
            out.add(what + " NaN or ±∞ at " + count + " of " + v.getNumElements() + " entries"
                    + (n.kind == Graph.Kind.INPUT ? "" : " where its arguments are finite")
                    + "; the derivatives through it are not finite either");
        }
        return out;
    }

    /** Compiles, adding how to provide an input the expression uses but the request does not. */
    private static Graph compile(Expr e, Map<String, Shape2> shapes, FunctionLookup fns) {
        try {
            return Graph.compile(e, shapes, fns);
        } catch (ExpressionException ex) {
            if (ex.undefinedInput() == null) {
                throw ex;
            }
            throw new ExpressionException(
                    ex.getMessage() + "; add --input " + ex.undefinedInput() + "=FILE.npy", ex.undefinedInput());
        }
    }

    /** The files input {@code w}'s Jacobian may be written to, before its pattern resolves {@code AUTO}. */
    private static List<String> possibleFiles(JacobianRequest req, String w) {
        String name = req.resultPrefix + w;
        return switch (req.formats.getOrDefault(w, req.format)) {
            case NPY -> List.of(name + ".npy");
            case CSR -> List.of(name + ".npz");
            case AUTO -> List.of(name + ".npy", name + ".npz");
        };
    }

    /** The input values the expression uses, by name (what the forward pass ran on). */
    public Map<String, DMatrixRMaj> inputValues() {
        return inputValues;
    }

    private static Map<String, DMatrixRMaj> used(Graph g, Map<String, DMatrixRMaj> values) {
        Map<String, DMatrixRMaj> v = new LinkedHashMap<>();
        g.inputs().keySet().forEach(name -> v.put(name, values.get(name)));
        return java.util.Collections.unmodifiableMap(v);
    }

    /** The same job with dense explicit local Jacobians on every edge that matters (the naive baseline). */
    public JacobianInputs withDenseLocalJacobians() {
        int[] used = Arrays.stream(wrtNodes).filter(w -> w >= 0).toArray();
        return new JacobianInputs(
                request,
                new Evaluated(graph, inputValues, tape.densified(used)),
                wrt,
                wrtNodes,
                wrtShapes,
                warnings,
                patterns);
    }

    /**
     * The same prepared inputs (nothing is read or evaluated again) for a job over one of the requested inputs,
     * written to {@code outDir} with fresh temporaries: gradcheck's analytic Jacobian.
     */
    public JacobianInputs forOne(String name, String outDir) {
        int i = wrt.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(name + " was not requested (wrt " + String.join(",", wrt) + ")");
        }
        return new JacobianInputs(
                request.derived(List.of(name), outDir),
                new Evaluated(graph, inputValues, tape),
                List.of(name),
                new int[] {wrtNodes[i]},
                Map.of(name, wrtShapes.get(name)),
                List.of(),
                List.of(patterns.get(i)));
    }
}
