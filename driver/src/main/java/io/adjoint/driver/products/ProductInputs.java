package io.adjoint.driver.products;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A {@link ProductRequest} checked before Spark starts: the expression and inputs ({@link JacobianInputs}, which
 * also runs the forward pass once), the destination, and the cotangents or tangents — their shapes against the
 * output's or the inputs', and one count N for all. Only headers are read: executors read their block of products
 * straight from storage.
 */
public final class ProductInputs {
    public final ProductRequest request;
    public final JacobianInputs job;
    /** The number of products N (1 for a single 2-D cotangent or tangent). */
    public final long count;
    /** Whether the products were given as a batch (N, ·, ·), so the results are batches too. */
    public final boolean batched;
    /** VJP: the cotangent file's header. */
    public final NpyHeader cotangentHeader;
    /** JVP: each tangent file's header, by input name. */
    public final Map<String, NpyHeader> tangentHeaders;

    private ProductInputs(
            ProductRequest request,
            JacobianInputs job,
            long count,
            boolean batched,
            NpyHeader cotangentHeader,
            Map<String, NpyHeader> tangentHeaders) {
        this.request = request;
        this.job = job;
        this.count = count;
        this.batched = batched;
        this.cotangentHeader = cotangentHeader;
        this.tangentHeaders = tangentHeaders;
    }

    /** The result files: DIR/NAME.npy per wrt input (VJP), DIR/out.npy (JVP). */
    public List<String> resultNames() {
        return request.kind == ProductRequest.Kind.VJP
                ? request.job.wrt.stream().map(w -> w + ".npy").toList()
                : List.of(request.jvpResultName + ".npy");
    }

    /**
     * Validates everything and loads the inputs.
     *
     * @throws InvalidInputException naming the option or file and what is wrong
     */
    public static ProductInputs prepare(ProductRequest req, Configuration conf, FunctionLookup fns) throws IOException {
        boolean vjp = req.kind == ProductRequest.Kind.VJP;
        if (vjp && (req.cotangent == null || req.cotangent.isBlank())) {
            throw new InvalidInputException("--cotangent is required: a .npy of shape (p, q) or (N, p, q)");
        }
        if (!vjp) {
            if (req.tangents.isEmpty()) {
                throw new InvalidInputException("give at least one --tangent NAME=T.npy");
            }
            for (String name : req.tangents.keySet()) {
                if (!req.job.inputs.containsKey(name) && !req.job.values.containsKey(name)) {
                    List<String> names = new ArrayList<>(req.job.inputs.keySet());
                    names.addAll(req.job.values.keySet());
                    throw new InvalidInputException("--tangent " + name + "=…: " + name + " is not an input (inputs: "
                            + String.join(", ", names) + ")");
                }
            }
            req.job.wrt.clear();
            req.job.wrt.addAll(req.tangents.keySet());
        }
        Destinations.checkFolder("--out", req.outDir, req.overwrite, "the results", conf);
        req.job.outDir = null; // the products' folder is checked here, not as a Jacobian folder
        req.job.rowsPerTask = req.rowsPerTask;
        JacobianInputs job = JacobianInputs.prepare(req.job, conf, fns);

        List<Path> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>(req.job.inputs.values());
        Shape2 out = job.graph.outputShape();
        long count;
        boolean batched;
        NpyHeader cot = null;
        Map<String, NpyHeader> tangents = new LinkedHashMap<>();
        if (vjp) {
            cot = StoredArrays.header("--cotangent ", req.cotangent, conf);
            batched = cot.rank() == 3;
            count = batched ? cot.dim(0) : 1;
            if (!fits(cot, out)) {
                throw new InvalidInputException("--cotangent " + req.cotangent + ": shape " + cot.shapeString()
                        + " is neither the output's " + out + " nor (N, " + out.rows + ", " + out.cols + ")");
            }
            reads.add(req.cotangent);
        } else {
            count = -1;
            batched = false;
            String first = null;
            for (Map.Entry<String, String> t : req.tangents.entrySet()) {
                String label = "--tangent " + t.getKey() + "=" + t.getValue();
                NpyHeader h = StoredArrays.header(label.substring(0, label.indexOf('=') + 1), t.getValue(), conf);
                Shape2 x = job.wrtShapes.get(t.getKey());
                if (!fits(h, x)) {
                    throw new InvalidInputException(label + ": shape " + h.shapeString() + " is neither the input's "
                            + x + " nor (N, " + x.rows + ", " + x.cols + ")");
                }
                long n = h.rank() == 3 ? h.dim(0) : 1;
                if (first != null && (n != count || (h.rank() == 3) != batched)) {
                    throw new InvalidInputException(label + ": " + describe(h) + ", but " + first + " has "
                            + (batched ? "N = " + count : "a single tangent") + "; give every tangent the same N");
                }
                if (first == null) {
                    first = "--tangent " + t.getKey();
                    count = n;
                    batched = h.rank() == 3;
                }
                tangents.put(t.getKey(), h);
                reads.add(t.getValue());
            }
        }
        ProductInputs in = new ProductInputs(req, job, count, batched, cot, tangents);
        for (String name : in.resultNames()) {
            writes.add(new Path(req.outDir, name));
        }
        Destinations.refuseOverwritingInputs("--out " + req.outDir, writes, reads, conf);
        return in;
    }

    private static boolean fits(NpyHeader h, Shape2 s) {
        int r = h.rank();
        return (r == 2 || r == 3) && h.dim(r - 2) == s.rows && h.dim(r - 1) == s.cols;
    }

    private static String describe(NpyHeader h) {
        return h.rank() == 3 ? "N = " + h.dim(0) : "a single tangent";
    }

    /** Leading axes of a cotangent or tangent file that count the products (0 for a single one). */
    static int rowDims(NpyHeader h) {
        return h.rank() == 3 ? 1 : 0;
    }
}
