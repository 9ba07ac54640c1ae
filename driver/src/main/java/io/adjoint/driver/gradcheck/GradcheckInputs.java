package io.adjoint.driver.gradcheck;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * The validated inputs of a {@code gradcheck}, checked on the driver before Spark starts: the tolerances, the
 * number of projections, the report folder, the job's expression and inputs (through {@link JacobianInputs},
 * which also runs the forward pass once), and each stored Jacobian's header and shape. Also owns the choice of
 * mode per input ({@link #modeFor}).
 */
public final class GradcheckInputs {
    /** The most projections --probes may ask for (automatic --probes makes at most 64). */
    public static final int MAX_PROBES = 4096;

    public final GradcheckRequest request;
    /** The expression, its inputs and forward pass: shared by the analytic sweep and the differences. */
    public final JacobianInputs job;
    /** Input name → header of its stored Jacobian, for inputs checked against a stored one. */
    public final Map<String, StoredJacobian> stored;
    /** The analytic side's own expression, prepared ({@link GradcheckRequest#analyticJob}); null: {@link #job}. */
    public final JacobianInputs analytic;

    /**
     * A stored Jacobian as found on disk: its header, how many leading axes are the output's (rows of the (p·q) ×
     * (k·l) matricization), and how its shape was read, for the report.
     */
    public record StoredJacobian(String uri, NpyHeader header, int rowDims, String layout) {}

    private GradcheckInputs(
            GradcheckRequest request, JacobianInputs job, Map<String, StoredJacobian> stored, JacobianInputs analytic) {
        this.request = request;
        this.job = job;
        this.stored = stored;
        this.analytic = analytic;
    }

    /** A mode and why it was chosen, for the log and the report. */
    public record Choice(CheckMode mode, String reason) {}

    /**
     * Checks everything that can be checked without Spark.
     *
     * @throws InvalidInputException naming the argument or file and what is wrong
     */
    public static GradcheckInputs prepare(GradcheckRequest req, Configuration conf, FunctionLookup fns)
            throws IOException {
        if (req.mode == null || req.mode == CheckMode.NONE) {
            throw new InvalidInputException("--mode: expected full, probe or auto");
        }
        if (!(req.eps >= 1e-10 && req.eps <= 0.1)) {
            throw new InvalidInputException("--eps " + req.eps + ": the central-difference step must be between 1e-10"
                    + " and 0.1 (below, rounding swamps the difference; above, truncation does; 1e-6 suits float64)");
        }
        if (!(req.atol >= 0 && req.atol < Double.POSITIVE_INFINITY)) {
            throw new InvalidInputException("--atol " + req.atol + ": must be a finite number ≥ 0");
        }
        if (!(req.rtol >= 0 && req.rtol < 1)) {
            throw new InvalidInputException(
                    "--rtol " + req.rtol + ": must be ≥ 0 and below 1 (1 would pass a derivative" + " off by 100%)");
        }
        if (req.probes != null && req.probes < 1) {
            throw new InvalidInputException("--probes must be at least 1, got " + req.probes);
        }
        if (req.probes != null && req.probes > MAX_PROBES) {
            // each projection is a reverse sweep and four forward passes; past a few thousand a full check is cheaper
            // and says more
            throw new InvalidInputException("--probes " + req.probes + ": at most " + MAX_PROBES
                    + " (for more certainty than that, compare every entry with --mode full)");
        }
        for (String name : req.stored.keySet()) {
            if (!req.job.wrt.contains(name)) {
                throw new InvalidInputException(
                        "--jacobian " + name + "=…: " + name + " is not in --wrt " + String.join(",", req.job.wrt));
            }
        }
        if (req.job.outDir != null) {
            throw new IllegalArgumentException("a gradcheck writes its report to reportDir; job.outDir must be unset");
        }
        Destinations.checkFolder("--report", req.reportDir, req.overwrite, "the report", conf);
        List<Path> writes = new ArrayList<>();
        for (String f : List.of("report.json", "report.md", "error-heatmap.png", GradcheckJob.WORK)) {
            writes.add(new Path(req.reportDir, f));
        }
        req.job.wrt.forEach(w -> writes.add(new Path(req.reportDir, "error-heatmap-" + w + ".png")));
        List<String> reads = new ArrayList<>(req.job.inputs.values());
        reads.addAll(req.stored.values());
        Destinations.refuseOverwritingInputs("--report " + req.reportDir, writes, reads, conf);
        JacobianInputs job = JacobianInputs.prepare(req.job, conf, fns);
        requireFinite(req, job);
        Shape2 out = job.graph.outputShape();
        Map<String, StoredJacobian> stored = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : req.stored.entrySet()) {
            String name = e.getKey();
            Shape2 x = job.wrtShapes.get(name);
            Shape4 want = new Shape4(out.rows, out.cols, x.rows, x.cols);
            NpyHeader h = StoredArrays.header("--jacobian " + name + "=", e.getValue(), conf);
            int rowDims = rowDims(h.shape(), want);
            if (rowDims < 0) {
                throw new InvalidInputException("--jacobian " + name + "=" + e.getValue() + ": shape " + h.shapeString()
                        + ", but ∂out/∂" + name + " has shape " + want + " (also accepted: the flattened ("
                        + want.rows() + ", " + want.cols() + ") matrix, or that shape without its axes of size 1,"
                        + " as PyTorch writes it for 1-D tensors)");
            }
            stored.put(name, new StoredJacobian(e.getValue(), h, rowDims, layout(h, want, rowDims)));
        }
        JacobianInputs analytic = null;
        if (req.analyticJob != null) {
            analytic = JacobianInputs.prepare(req.analyticJob, conf, fns);
            if (!analytic.graph.outputShape().equals(out) || !analytic.wrt.equals(job.wrt)) {
                throw new IllegalArgumentException(
                        "the analytic expression must have the checked one's output shape" + " and wrt: "
                                + analytic.graph.outputShape() + " " + analytic.wrt + " vs " + out + " " + job.wrt);
            }
        }
        return new GradcheckInputs(req, job, stored, analytic);
    }

    /**
     * Central differences at a NaN or infinite input value are meaningless (and every derivative through it is NaN),
     * so such an input is refused up front, naming its first non-finite entry.
     */
    private static void requireFinite(GradcheckRequest req, JacobianInputs job) {
        for (Map.Entry<String, DMatrixRMaj> e : job.inputValues().entrySet()) {
            DMatrixRMaj m = e.getValue();
            for (int i = 0; i < m.getNumElements(); i++) {
                if (!Double.isFinite(m.data[i])) {
                    String path = req.job.inputs.get(e.getKey());
                    throw new InvalidInputException("--input " + e.getKey() + (path == null ? "" : "=" + path) + ": "
                            + e.getKey() + "[" + i / m.numCols + "," + i % m.numCols + "] is " + m.data[i]
                            + "; a gradient check needs finite inputs");
                }
            }
        }
    }

    /**
     * Where a stored array of this shape splits into output and input axes: the (p, q, k, l) shape itself (2), the
     * flattened (p·q, k·l) matrix (1), or (p, q, k, l) without some of its axes of size 1 — PyTorch's Jacobian of a
     * function of 1-D tensors, e.g. (p, q, k) for a k×1 input — split where the leading axes hold p·q entries.
     * All are the same bytes in C order. −1 when the shape is none of these.
     */
    static int rowDims(long[] shape, Shape4 want) {
        if (shape.length == 4 && Shape4.of(shape).equals(want)) {
            return 2;
        }
        if (shape.length == 2 && shape[0] == want.rows() && shape[1] == want.cols()) {
            return 1;
        }
        long[] full = want.toArray();
        if (!Arrays.equals(withoutOnes(shape), withoutOnes(full))) {
            return -1;
        }
        long prefix = 1;
        for (int t = 0; t <= shape.length; t++) {
            if (prefix == want.rows() && product(shape, t) == want.cols()) {
                return t;
            }
            if (t < shape.length) {
                prefix *= shape[t];
            }
        }
        return -1;
    }

    private static long[] withoutOnes(long[] s) {
        return Arrays.stream(s).filter(d -> d != 1).toArray();
    }

    private static long product(long[] s, int from) {
        long p = 1;
        for (int i = from; i < s.length; i++) {
            p *= s[i];
        }
        return p;
    }

    private static String layout(NpyHeader h, Shape4 want, int rowDims) {
        if (h.rank() == 4 && rowDims == 2) {
            return "read as (p, q, k, l) = " + want;
        }
        if (h.rank() == 2 && rowDims == 1 && h.dim(0) == want.rows()) {
            return "read as the flattened (p·q, k·l) matrix " + h.shapeString() + " of " + want;
        }
        return "read as " + want + " with its axes of size 1 dropped, as PyTorch writes the Jacobian of 1-D tensors";
    }

    /** The mode for a Jacobian of this shape: as asked, or by size for auto; NONE when it has no entries. */
    public Choice modeFor(Shape4 shape) {
        long entries = shape.rows() * shape.cols();
        if (entries == 0) {
            return new Choice(CheckMode.NONE, "the Jacobian " + shape + " has no entries");
        }
        if (request.mode != CheckMode.AUTO) {
            return new Choice(request.mode, "--mode " + request.mode.label());
        }
        if (entries <= request.autoFullMaxEntries) {
            return new Choice(
                    CheckMode.FULL,
                    "auto: " + entries + " entries ≤ " + request.autoFullMaxEntries + ", so every entry is compared");
        }
        return new Choice(
                CheckMode.PROBE,
                "auto: " + entries + " entries > " + request.autoFullMaxEntries
                        + ", so random projections, refined where they disagree");
    }
}
