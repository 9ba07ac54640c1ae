package io.adjoint.driver.second;

import io.adjoint.core.expr.Expr;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.FunctionLookup;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.job.Job;
import io.adjoint.driver.storage.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code grad}: the gradient expressions evaluated, {@code DIR/<X>.npy} of X's shape per {@code --wrt} input — the
 * same numbers as {@code vjp} with the same cotangent, from the symbolic rules instead of the tape. Each expression
 * is one forward pass on the driver (a few times f's cost; gradients have the inputs' size, so no tasks), each file
 * written under a temporary name and renamed when complete, in the {@link Job} template (claim, release).
 */
public final class GradientJob extends Job<List<String>> {
    private final GradientInputs in;
    private final FunctionLookup fns;

    private GradientJob(GradientInputs in, FunctionLookup fns) {
        super("grad");
        this.in = in;
        this.fns = fns;
    }

    /** Evaluates and writes every gradient into {@code in.f.request.outDir}; returns the files written. */
    public static List<String> run(JobContext ctx, GradientInputs in, FunctionLookup fns, JobLog log)
            throws IOException {
        return new GradientJob(in, fns).run(ctx, log);
    }

    /** The gradient values, by input name, evaluated on the driver (no files). */
    public static Map<String, DMatrixRMaj> evaluate(GradientInputs in, FunctionLookup fns, Configuration conf)
            throws IOException {
        Map<String, DMatrixRMaj> values = in.values(conf);
        Map<String, DMatrixRMaj> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Expr> g : in.gradients.entrySet()) {
            Graph graph = Graph.compile(g.getValue(), in.shapes(), fns);
            out.put(g.getKey(), Forward.outputValue(graph, values, fns));
        }
        return out;
    }

    @Override
    protected List<String> warnings() {
        return in.f.warnings;
    }

    @Override
    protected Destination destination() {
        long bytes = 0;
        for (String x : in.gradients.keySet()) {
            bytes += NpyWriter.fileSize(new long[] {in.f.wrtShapes.get(x).rows, in.f.wrtShapes.get(x).cols});
        }
        return Destination.folder("--out", in.f.request.outDir, bytes);
    }

    @Override
    protected List<String> execute(JobContext ctx, Path dir, JobLog log) throws IOException {
        long t0 = System.nanoTime();
        Configuration conf = ctx.hadoopConfiguration();
        Map<String, DMatrixRMaj> values = evaluate(in, fns, conf);
        FileSystem fs = HadoopFiles.fileSystem(dir, conf);
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, DMatrixRMaj> v : values.entrySet()) {
            DMatrixRMaj m = v.getValue();
            // over an earlier result only with --overwrite: checked when the inputs were prepared
            HadoopFiles.writeAtomically(fs, new Path(dir, v.getKey() + ".npy"), o -> {
                o.write(NpyWriter.header(new long[] {m.numRows, m.numCols}));
                NpyWriter.writeTo(o, m.data, 0, m.data.length);
            });
            written.add(new Path(in.f.request.outDir, v.getKey() + ".npy").toString());
        }
        if (log != null) {
            log.accept(String.format(
                    Locale.ROOT,
                    "grad: wrote %s in %.3f s (the gradient expressions evaluated on the driver)",
                    String.join(", ", written),
                    (System.nanoTime() - t0) / 1e9));
        }
        return written;
    }
}
