package io.adjoint.driver.gradcheck;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.driver.commit.Destinations;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;

/**
 * The validated inputs of a {@code gradcheck}, checked on the driver before Spark starts: the tolerances, the
 * number of projections, the report folder, the job's expression and inputs (through {@link JacobianInputs},
 * which also runs the forward pass once), and each stored Jacobian's header and shape. Also owns the choice of
 * mode per input ({@link #modeFor}).
 */
public final class GradcheckInputs {
    public final GradcheckRequest request;
    /** The expression, its inputs and forward pass: shared by the analytic sweep and the differences. */
    public final JacobianInputs job;
    /** Input name → header of its stored Jacobian, for inputs checked against a stored one. */
    public final Map<String, NpyHeader> storedHeaders;

    private GradcheckInputs(GradcheckRequest request, JacobianInputs job, Map<String, NpyHeader> storedHeaders) {
        this.request = request;
        this.job = job;
        this.storedHeaders = storedHeaders;
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
        JacobianInputs job = JacobianInputs.prepare(req.job, conf, fns);
        requireFinite(req, job);
        Shape2 out = job.graph.outputShape();
        Map<String, NpyHeader> stored = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : req.stored.entrySet()) {
            String name = e.getKey();
            Shape2 x = job.wrtShapes.get(name);
            Shape4 want = new Shape4(out.rows, out.cols, x.rows, x.cols);
            NpyHeader h = StoredArrays.header("--jacobian " + name + "=", e.getValue(), conf);
            if (h.rank() != 4 || !Shape4.of(h.shape()).equals(want)) {
                throw new InvalidInputException("--jacobian " + name + "=" + e.getValue() + ": shape " + h.shapeString()
                        + ", but ∂out/∂" + name + " has shape " + want);
            }
            stored.put(name, h);
        }
        return new GradcheckInputs(req, job, stored);
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
