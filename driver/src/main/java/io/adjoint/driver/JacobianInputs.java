package io.adjoint.driver;

import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.InvalidInputException;
import io.adjoint.core.expr.Expr;
import io.adjoint.core.expr.Parser;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * The validated inputs of a {@code jacobian} job, checked on the driver before Spark starts: names,
 * the expression (syntax, functions, shapes), every input file, {@code --wrt}, and the output folder; then
 * the inputs are loaded and the forward pass is run once, producing the tape that executors receive.
 */
public final class JacobianInputs {
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public final JacobianRequest request;
    public final Graph graph;
    public final Forward forward;
    /** What executors receive: the forward pass's tape (or, for the benchmark baseline, a densified copy). */
    public final io.adjoint.core.graph.Tape tape;
    /** wrt names in order, and their node ids in the graph (−1 for an input the expression does not use). */
    public final List<String> wrt;
    public final int[] wrtNodes;
    public final Map<String, Shape2> wrtShapes;
    public final List<String> warnings;

    private JacobianInputs(JacobianRequest request, Graph graph, Forward forward, io.adjoint.core.graph.Tape tape,
            List<String> wrt, int[] wrtNodes, Map<String, Shape2> wrtShapes, List<String> warnings) {
        this.request = request;
        this.graph = graph;
        this.forward = forward;
        this.tape = tape;
        this.wrt = wrt;
        this.wrtNodes = wrtNodes;
        this.wrtShapes = wrtShapes;
        this.warnings = warnings;
    }

    /**
     * Validates everything, loads the inputs and runs the forward pass.
     *
     * @throws InvalidInputException naming the argument or file and what is wrong
     */
    public static JacobianInputs prepare(JacobianRequest req, Configuration conf, Functions fns) throws IOException {
        if (req.expr == null || req.expr.isBlank()) {
            throw new InvalidInputException("--expr is required");
        }
        if (req.wrt.isEmpty()) {
            throw new InvalidInputException("--wrt is required: name the input(s) to differentiate, e.g. --wrt X");
        }
        for (String n : req.inputs.keySet()) {
            if (!NAME.matcher(n).matches()) {
                throw new InvalidInputException("--input " + n + "=…: '" + n + "' is not a valid name"
                        + " (letters, digits and _, not starting with a digit)");
            }
        }
        for (String w : req.wrt) {
            if (!req.inputs.containsKey(w)) {
                throw new InvalidInputException("--wrt " + w + ": not an input (inputs: "
                        + (req.inputs.isEmpty() ? "none" : String.join(", ", req.inputs.keySet())) + ")");
            }
        }
        if (req.rowsPerTask < 0) {
            throw new InvalidInputException("--rows-per-task must be at least 1, got " + req.rowsPerTask);
        }
        checkOutDir(req.outDir, req.overwrite, conf);
        Expr e = Parser.parse(req.expr);
        Map<String, NpyHeader> headers = new LinkedHashMap<>();
        Map<String, Shape2> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, String> in : req.inputs.entrySet()) {
            NpyHeader h = header(in.getKey(), in.getValue(), conf);
            if (h.rank() != 2) {
                throw new InvalidInputException("--input " + in.getKey() + "=" + in.getValue() + ": expressions work on"
                        + " 2-D matrices, got " + h.rank() + "-D shape " + h.shapeString() + " (reshape it, e.g."
                        + " np.save(path, a.reshape(a.shape[0], -1)))");
            }
            if (h.dim(0) > Integer.MAX_VALUE || h.dim(1) > Integer.MAX_VALUE || h.elementCount() > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException("--input " + in.getKey() + "=" + in.getValue() + ": " + h.shapeString()
                        + " is too large for one in-memory matrix");
            }
            headers.put(in.getKey(), h);
            shapes.put(in.getKey(), new Shape2((int) h.dim(0), (int) h.dim(1)));
        }
        Graph g = Graph.compile(e, shapes, fns);
        List<String> warnings = new ArrayList<>();
        for (String name : req.inputs.keySet()) {
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
            try (ByteSource src = HadoopByteSource.open(req.inputs.get(name), conf)) {
                values.put(name, NpyReader.readAll(src, headers.get(name), 1));
            }
        }
        Forward f = Forward.run(g, values, fns);
        return new JacobianInputs(req, g, f, f.tape, new ArrayList<>(req.wrt), wrtNodes, wrtShapes, warnings);
    }

    /** The same job with dense explicit local Jacobians on every edge that matters (the naive baseline). */
    public JacobianInputs withDenseLocalJacobians() {
        int[] used = java.util.Arrays.stream(wrtNodes).filter(w -> w >= 0).toArray();
        return new JacobianInputs(request, graph, forward, forward.tape.densified(used), wrt, wrtNodes, wrtShapes,
                warnings);
    }

    /** An absent folder will be created; an empty one is used; a non-empty one needs --overwrite. */
    static void checkOutDir(String dir, boolean overwrite, Configuration conf) throws IOException {
        if (dir == null || dir.isEmpty()) {
            throw new InvalidInputException("--out is required");
        }
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            Path parent = fs.makeQualified(p).getParent();
            if (parent != null && !fs.exists(parent)) {
                throw new InvalidInputException("--out " + dir + ": its parent folder " + parent + " does not exist");
            }
            return;
        }
        FileStatus st = fs.getFileStatus(p);
        if (!st.isDirectory()) {
            throw new InvalidInputException("--out " + dir + ": is a file; give a folder");
        }
        long entries = java.util.Arrays.stream(fs.listStatus(p))
                .filter(e -> !(e.getPath().getName().startsWith(".") && e.getPath().getName().contains(".adjoint-")))
                .count();
        if (entries > 0 && !overwrite) {
            throw new InvalidInputException("--out " + dir + ": folder is not empty (pass --overwrite to replace the"
                    + " Jacobians in it)");
        }
    }

    private static NpyHeader header(String name, String uri, Configuration conf) throws IOException {
        try (ByteSource src = HadoopByteSource.open(uri, conf)) {
            return NpyHeader.read(src);
        } catch (FileNotFoundException e) {
            throw new InvalidInputException("--input " + name + "=" + uri + ": no such file");
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--input " + name + "=" + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("--input " + name + "=" + uri + ": cannot read: " + e.getMessage(), e);
        }
    }
}
