package io.adjoint.driver.second;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Gradients;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;

/**
 * A second-order request made ready: f prepared as for {@code jacobian} (every check, inputs read, the forward pass
 * run once), the cotangent G checked against f's output (none for a 1×1 f: G = 1), and the gradient of ⟨G, f⟩ for
 * each {@code --wrt} input as an expression ({@link Gradients}) — what {@code grad} prints or evaluates, what
 * {@code hessian} takes the Jacobian of and {@code hvp} the JVP of.
 */
public final class GradientInputs {
    /** f, prepared with the request's {@code --wrt}. */
    public final JacobianInputs f;
    /** The cotangent file, or null (f is 1×1). */
    public final String cotangent;
    /** The cotangent's name in the gradient expressions (one no input of f uses), or null. */
    public final String cotangentName;
    /** A cotangent drawn at random instead of read (a second-order check of a non-scalar f), or null. */
    public final DMatrixRMaj drawnCotangent;
    /** The gradient of ⟨G, f⟩ per {@code --wrt} input, in order. */
    public final Map<String, Expr> gradients;

    private GradientInputs(
            JacobianInputs f,
            String cotangent,
            String cotangentName,
            DMatrixRMaj drawnCotangent,
            Map<String, Expr> gradients) {
        this.f = f;
        this.cotangent = cotangent;
        this.cotangentName = cotangentName;
        this.drawnCotangent = drawnCotangent;
        this.gradients = gradients;
    }

    /**
     * Prepares f ({@link JacobianInputs#prepare}; {@code req.outDir} is not checked there) and builds its gradients.
     *
     * @param cotangent a {@code .npy} of f's output shape, or null when f is 1×1
     * @throws InvalidInputException naming the option or file and what is wrong (a non-scalar f without a
     *     cotangent, an op without a symbolic VJP rule, …)
     */
    public static GradientInputs prepare(JacobianRequest req, String cotangent, Configuration conf, FunctionLookup fns)
            throws IOException {
        return prepare(req, cotangent, null, conf, fns);
    }

    /**
     * As {@link #prepare(JacobianRequest, String, Configuration, FunctionLookup)}, and for a non-scalar f without a
     * cotangent file, with {@code drawSeed} not null: a cotangent G of standard normal entries drawn with that seed
     * (a second-order check of a non-scalar f checks sum(G * f) for a random G, as a first-order one checks every
     * output).
     */
    public static GradientInputs prepare(
            JacobianRequest req, String cotangent, Long drawSeed, Configuration conf, FunctionLookup fns)
            throws IOException {
        String outDir = req.outDir;
        req.outDir = null;
        JacobianInputs f;
        try {
            f = JacobianInputs.prepare(req, conf, fns);
        } finally {
            req.outDir = outDir;
        }
        Shape2 out = f.graph.outputShape();
        String name = cotangentName(req, cotangent, drawSeed != null, f.graph, conf);
        DMatrixRMaj drawn = null;
        if (cotangent == null && name != null) {
            java.util.Random rng = new java.util.Random(drawSeed);
            drawn = new DMatrixRMaj(out.rows, out.cols);
            for (int i = 0; i < drawn.data.length; i++) {
                drawn.data[i] = rng.nextGaussian();
            }
        }
        return new GradientInputs(f, cotangent, name, drawn, Gradients.of(f.graph, fns, f.wrt, name));
    }

    /**
     * The cotangent's name in the gradient expressions — after checking a given one's shape against f's output — or
     * null for a 1×1 f without one; a non-scalar f without one is refused unless {@code drawn} (one will be drawn).
     */
    private static String cotangentName(
            JacobianRequest req, String cotangent, boolean drawn, io.adjoint.core.graph.Graph g, Configuration conf)
            throws IOException {
        Shape2 out = g.outputShape();
        if (cotangent != null) {
            NpyHeader h = StoredArrays.header("--cotangent ", cotangent, conf);
            if (h.rank() != 2 || h.dim(0) != out.rows || h.dim(1) != out.cols) {
                throw new InvalidInputException(
                        "--cotangent " + cotangent + ": shape " + h.shapeString() + " is not the output's " + out);
            }
        } else if (out.size() == 1) {
            return null;
        } else if (!drawn) {
            throw new InvalidInputException("'" + g.source() + "' is " + out + ", not a scalar: give"
                    + " --cotangent G.npy of that shape (the derivatives are then those of sum(G * f))");
        }
        List<String> taken = new ArrayList<>(req.inputs.keySet());
        taken.addAll(req.values.keySet());
        return Gradients.cotangentName(taken);
    }

    /**
     * The gradient expressions alone, for printing: only the inputs' headers are read (their shapes), nothing is
     * evaluated — what {@code grad --print} needs, at any size.
     */
    public static Map<String, Expr> expressions(
            JacobianRequest req, String cotangent, Configuration conf, FunctionLookup fns) throws IOException {
        io.adjoint.core.graph.Graph g = JacobianInputs.compiled(req, conf, fns).graph();
        return Gradients.of(g, fns, req.wrt, cotangentName(req, cotangent, false, g, conf));
    }

    /** Every value the gradient expressions read: f's inputs (all of them, used or not) and the cotangent. */
    public Map<String, DMatrixRMaj> values(Configuration conf) throws IOException {
        Map<String, DMatrixRMaj> v = new LinkedHashMap<>(f.request.values);
        for (Map.Entry<String, String> in : f.request.inputs.entrySet()) {
            DMatrixRMaj used = f.inputValues().get(in.getKey());
            v.put(in.getKey(), used != null ? used : read(in.getValue(), conf));
        }
        if (cotangent != null) {
            v.put(cotangentName, read(cotangent, conf));
        }
        if (drawnCotangent != null) {
            v.put(cotangentName, drawnCotangent);
        }
        return v;
    }

    private static DMatrixRMaj read(String uri, Configuration conf) throws IOException {
        try (ByteSource src = HadoopByteSource.open(uri, conf)) {
            return NpyReader.readAll(src, NpyHeader.read(src), 1);
        }
    }

    /** The shapes of {@link #values}, for compiling a gradient expression. */
    public Map<String, Shape2> shapes() {
        Map<String, Shape2> s = new LinkedHashMap<>();
        f.graph.inputs().forEach((name, id) -> s.put(name, f.graph.node(id).shape));
        s.putAll(f.wrtShapes);
        if (cotangentName != null) {
            s.put(cotangentName, f.graph.outputShape());
        }
        return s;
    }

    /**
     * The request of a {@code jacobian} job on the gradient of {@code a}: the same inputs plus the cotangent, with
     * respect to {@code wrt}, results named {@code <a>.<B>.npy} (or {@code .npz}) in {@code outDir}.
     */
    public JacobianRequest jacobianOfGradient(String a, List<String> wrt, String outDir) {
        JacobianRequest src = f.request;
        JacobianRequest r = new JacobianRequest().expression(gradients.get(a));
        r.inputs.putAll(src.inputs);
        r.values.putAll(src.values);
        if (cotangent != null) {
            r.inputs.put(cotangentName, cotangent);
        }
        if (drawnCotangent != null) {
            r.values.put(cotangentName, drawnCotangent);
        }
        r.wrt.addAll(wrt);
        r.outDir = outDir;
        r.overwrite = src.overwrite;
        r.resume = src.resume;
        r.rowsPerTask = src.rowsPerTask;
        r.seeding = src.seeding;
        r.format = src.format;
        r.formats.putAll(src.formats);
        r.resultPrefix = a + ".";
        r.symmetricWrt = src.starColouring ? a : null; // ∂(∇_A f)/∂A is symmetric: star colouring
        r.command = "hessian";
        return r;
    }
}
