package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.BatchedDifferences;
import io.adjoint.core.graph.Shape2;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.jacobian.Seeding;
import io.adjoint.driver.storage.HadoopConf;
import io.adjoint.driver.storage.HadoopFiles;
import io.adjoint.driver.storage.StoredArrays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SizeEstimator;
import org.ejml.data.DMatrixRMaj;

/**
 * Gradient checks at cluster scale: analytic derivatives (our reverse sweep, or a stored Jacobian) against central
 * differences, per input: choose the mode ({@link GradcheckInputs#modeFor}), lay the tile grid, get the analytic
 * side (full mode without a stored Jacobian: the distributed sweep writes it to a temporary file under the report
 * folder, from the inputs already prepared), then {@link FullCheck} or {@link ProbeCheck}, which broadcast what
 * their tasks need (a small full check runs on driver threads instead). Costs are in those classes' Javadoc; the
 * driver holds only per-tile statistics and projections.
 */
public final class GradcheckJob {
    private GradcheckJob() {}

    /**
     * The temporary folder in the report folder (full mode's analytic Jacobian). Removed after each input; one left
     * by a killed run is removed by the next (the report folder is claimed by one run at a time), and not counted as
     * content of the folder.
     */
    static final String WORK = ".adjoint-gradcheck-work";

    /** Runs the check for every requested input; writes nothing but temporaries, which it removes. */
    public static List<GradcheckResult> run(JavaSparkContext jsc, GradcheckInputs in, JobLog log) throws IOException {
        return run(JobContext.of(jsc), in, log);
    }

    /**
     * {@link #run(JavaSparkContext, GradcheckInputs, JobLog)} in a job context: Spark starts only for a step that
     * runs Spark tasks.
     */
    public static List<GradcheckResult> run(JobContext ctx, GradcheckInputs in, JobLog log) throws IOException {
        GradcheckRequest req = in.request;
        List<GradcheckResult> results = new ArrayList<>();
        FileSystem fs = new Path(req.reportDir, WORK).getFileSystem(ctx.hadoopConfiguration());
        // qualified here: executors read the analytic file from it, and their working folders are not the driver's
        Path work = fs.makeQualified(new Path(req.reportDir, WORK));
        fs.delete(work, true); // a killed run's
        try {
            for (int i = 0; i < in.job.wrt.size(); i++) {
                results.add(checkOne(ctx, in, i, work, log));
                fs.delete(work, true);
            }
        } finally {
            fs.delete(work, true);
        }
        return results;
    }

    /**
     * When entries failed, the worst one's column again at step 2h (two forward passes): if the two central
     * differences disagree by more than the tolerance they are judged by, they cannot resolve this function there
     * (an ill-conditioned one, such as inv of a Hilbert matrix, whose steps leave the linear regime), and the verdict
     * says so — it stays FAIL, as entries disagree, but it no longer blames the Jacobian alone.
     */
    static void crossCheckStep(JacobianInputs job, String name, double eps, GradcheckResult r) {
        if (r.failed == 0 || r.worst.isEmpty()) {
            return;
        }
        io.adjoint.core.check.TileStats.Entry e = r.worst.get(0);
        if (!Double.isFinite(e.numeric) || !Double.isFinite(e.analytic)) {
            return;
        }
        int c = (int) e.col;
        DMatrixRMaj twice = io.adjoint.core.graph.FiniteDifferences.columns(
                job.graph, job.inputValues(), name, c, c + 1, 2 * eps, Functions.standard());
        double other = twice.get((int) e.row, 0);
        // central differences of a smooth function agree across steps h and 2h to O(h²); when they differ by more
        // than the tolerance they are judged by, the numeric side cannot judge this entry
        if (!(Math.abs(other - e.numeric) <= r.tolerance.atol + r.tolerance.rtol * Math.abs(e.numeric))) {
            r.differencesDisagree = other - e.numeric;
        }
    }

    private static GradcheckResult checkOne(JobContext ctx, GradcheckInputs in, int i, Path work, JobLog log)
            throws IOException {
        long t0 = System.nanoTime();
        GradcheckRequest req = in.request;
        JacobianInputs job = in.job;
        // the analytic side's expression: the checked one, or its own (second order: the symbolic gradient)
        JacobianInputs an = in.analytic != null ? in.analytic : job;
        String name = job.wrt.get(i);
        Shape2 out = job.graph.outputShape();
        Shape2 x = job.wrtShapes.get(name);
        Shape4 shape = new Shape4(out.rows, out.cols, x.rows, x.cols);
        GradcheckResult r = new GradcheckResult(name, shape);
        GradcheckInputs.Choice choice = in.modeFor(shape);
        r.mode = choice.mode();
        r.modeReason = choice.reason();
        r.tolerance = new Tolerance(req.atol, req.rtol);
        if (r.mode == CheckMode.NONE) {
            r.tileMax = new double[][] {{Double.NaN}};
            r.tileFailed = new boolean[1][1];
            r.seconds = (System.nanoTime() - t0) / 1e9;
            return r;
        }
        r.grid = TileGrid.of(shape, req.grid);
        r.tileMax = new double[r.grid.rowTiles()][r.grid.colTiles()];
        r.tileFailed = new boolean[r.grid.rowTiles()][r.grid.colTiles()];
        for (double[] row : r.tileMax) {
            Arrays.fill(row, Double.NaN);
        }
        GradcheckInputs.StoredJacobian stored = in.stored.get(name);
        String analyticUri = stored == null ? null : StoredArrays.qualified(stored.uri(), ctx.hadoopConfiguration());
        NpyHeader analyticHeader = stored == null ? null : stored.header();
        int analyticRowDims = stored == null ? 2 : stored.rowDims();
        if (stored != null) {
            r.analyticSource = "the stored Jacobian " + stored.uri() + ", " + stored.layout();
        }
        // full mode without a stored Jacobian: the sweep writes it to the work folder first (planned before)
        boolean sweepFirst = analyticUri == null && r.mode == CheckMode.FULL;
        if (sweepFirst) {
            analyticUri = new Path(work, name + ".npy").toString();
        }
        Map<String, String> inputUris = new LinkedHashMap<>();
        Map<String, DMatrixRMaj> given = new LinkedHashMap<>();
        java.util.Set<String> used =
                new java.util.LinkedHashSet<>(job.graph.inputs().keySet());
        used.addAll(an.graph.inputs().keySet());
        for (String input : used) {
            String uri = job.request.inputs.get(input);
            if (uri != null) {
                inputUris.put(input, StoredArrays.qualified(uri, ctx.hadoopConfiguration()));
            } else {
                given.put(input, job.request.values.get(input));
            }
        }
        SparsityPattern pattern = job.patterns.get(i);
        SparsityPattern columnPattern = job.wrtNodes[i] < 0 || pattern.isFull() ? null : pattern.transposedMatrix();
        RowColouring byColumn = columnPattern == null
                ? null
                : Seeding.colouringIfPaid(job.request.seeding, columnPattern, shape.cols());
        CheckData data = new CheckData.Builder()
                .key(UUID.randomUUID().toString())
                .graph(job.graph)
                .inputUris(inputUris)
                .given(given)
                .wrt(name)
                .wrtNode(job.wrtNodes[i])
                .analytic(an == job ? null : an.graph, an.wrtNodes[i])
                .analyticUri(analyticUri)
                .analyticHeader(analyticHeader)
                .analyticRowDims(analyticRowDims)
                .eps(req.eps)
                .tol(new Tolerance(req.atol, req.rtol))
                .grid(r.grid)
                .worst(req.worst)
                .seed(req.seed * 1_000_003L + i)
                .conf(new HadoopConf(ctx.hadoopConfiguration()))
                .byColumn(r.mode == CheckMode.FULL ? byColumn : null)
                .columnPattern(columnPattern)
                .build();
        long evaluationBytes = 0;
        if (!ctx.isLocal()) { // what each executor will hold: the inputs, and the tape when the sweep runs
            evaluationBytes = analyticUri != null
                    ? SizeEstimator.estimate(job.inputValues())
                    : SizeEstimator.estimate(an.tape) + SizeEstimator.estimate(job.inputValues());
        }
        CheckMemory.Plan plan = CheckMemory.plan(ctx, data, r, r.mode, evaluationBytes, log);
        // structured full mode: both sides compressed (rows by reverse sweeps, columns by CPR), when both pay
        RowColouring byRow = sweepFirst && data.byColumn != null
                ? Seeding.colouringIfPaid(an.request.seeding, an.patterns.get(i), shape.rows())
                : null;
        if (sweepFirst && byRow != null) {
            String rowsUri = new Path(work, name + ".compressed-rows.npy").toString();
            Destinations.checkSpace(
                    "--report " + req.reportDir + " (full mode first writes the compressed analytic rows there)",
                    work,
                    NpyWriter.fileSize(new long[] {byRow.colours(), 1, shape.cols()}),
                    ctx.hadoopConfiguration());
            HadoopFiles.mkdirs(HadoopFiles.fileSystem(work, ctx.hadoopConfiguration()), work);
            long a0 = System.nanoTime();
            CompressedRows.run(ctx, an.tape, an.wrtNodes[i], byRow, (int) shape.cols(), rowsUri);
            r.analyticSeconds = (System.nanoTime() - a0) / 1e9;
            if (log != null) {
                log.detail(String.format(
                        Locale.ROOT,
                        "gradcheck: d/d%s: the analytic side by compressed reverse seeding: %d sweeps for %d rows"
                                + " (rows of one colour share no input entry; entries outside the pattern are"
                                + " checked), in %.2f s",
                        name,
                        byRow.colours(),
                        shape.rows(),
                        r.analyticSeconds));
            }
            data = data.withCompressedRows(rowsUri, StoredArrays.header("", rowsUri, ctx.hadoopConfiguration()), byRow);
            r.analyticSource = "our reverse sweep, compressed by row colours (" + byRow.colours() + " seeds)";
        } else if (sweepFirst) {
            Destinations.checkSpace(
                    "--report " + req.reportDir + " (full mode first writes the analytic Jacobian there; --mode probe"
                            + " needs no space)",
                    work,
                    NpyWriter.fileSize(shape.toArray()),
                    ctx.hadoopConfiguration());
            long a0 = System.nanoTime();
            // the plain row-by-row sweep: the Jacobian being checked is the engine's, entry by entry
            JacobianInputs one = an.forOne(name, work.toString());
            one.request.seeding = JacobianRequest.Seeding.DENSE;
            JacobianJob.run(ctx, one, null);
            r.analyticSeconds = (System.nanoTime() - a0) / 1e9;
            if (log != null) {
                log.detail(String.format(
                        Locale.ROOT,
                        "gradcheck: d/d%s: the analytic Jacobian written by the sweep in %.2f s",
                        name,
                        r.analyticSeconds));
            }
            data = data.withAnalyticHeader(StoredArrays.header("", analyticUri, ctx.hadoopConfiguration()));
        }
        // tasks in this JVM (local mode) work on the driver's own inputs and tape; executors load theirs once
        Map<String, DMatrixRMaj> values = new LinkedHashMap<>(job.inputValues());
        values.putAll(an.inputValues());
        Evaluations.offer(data.key, an.graph, values, an.tape);
        try {
            r.numericMethod = BatchedDifferences.batches(job.graph, name, Functions.standard())
                    ? "central differences, " + CheckData.batch(job.graph)
                            + " perturbed copies per batched forward pass"
                    : "central differences, one forward pass per perturbed copy (the graph mixes columns)";
            long perturbations = shape.cols();
            if (data.byColumn != null) {
                perturbations = data.byColumn.colours();
                r.numericMethod += "; Curtis–Powell–Reid: input entries that affect disjoint outputs perturbed"
                        + " together, " + perturbations + " perturbations for " + shape.cols() + " columns";
            }
            if (log != null) {
                log.detail("gradcheck: d/d" + name + " " + shape + ": " + r.mode.label() + " (" + r.modeReason
                        + "); tiles " + r.grid.tileRows() + "×" + r.grid.tileCols() + ", grid " + r.grid.rowTiles()
                        + "×"
                        + r.grid.colTiles() + "; " + r.numericMethod);
            }
            long n0 = System.nanoTime();
            if (r.mode == CheckMode.FULL) {
                FullCheck.run(ctx, data, r, plan.fullChunk(), perturbations, log);
                r.forwardEvals += 2 * perturbations;
                crossCheckStep(job, name, req.eps, r);
            } else {
                ProbeCheck.run(ctx, data, req, r, plan.probeSlots(), log);
                r.forwardEvals += 2L * r.probes;
            }
            r.numericSeconds = (System.nanoTime() - n0) / 1e9;
        } finally {
            Evaluations.forget(data.key);
        }
        r.seconds = (System.nanoTime() - t0) / 1e9;
        return r;
    }
}
