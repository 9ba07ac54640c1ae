package io.adjoint.driver.report;

import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.storage.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes {@code report.json}, {@code report.md} and the error heatmaps of a gradcheck, each under a
 * temporary name and renamed into place, and builds the one-line verdict.
 */
public final class GradcheckReport {
    private GradcheckReport() {}

    static String sci(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }

    static String entryName(GradcheckResult r, TileStats.Entry e) {
        long[] ix = r.index(e.row, e.col);
        return String.format(Locale.ROOT, "∂out[%d,%d]/∂%s[%d,%d]", ix[0], ix[1], r.input, ix[2], ix[3]);
    }

    /** Writes the three files into {@code dir}. */
    public static void write(
            String dir, GradcheckRequest req, List<GradcheckResult> results, double seconds, Configuration conf)
            throws IOException {
        String j = ReportJson.of(req, results, seconds);
        String md = ReportMarkdown.of(req, results);
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.fileSystem(d, conf);
        atomicWrite(fs, new Path(d, "report.json"), j.getBytes(StandardCharsets.UTF_8));
        atomicWrite(fs, new Path(d, "report.md"), md.getBytes(StandardCharsets.UTF_8));
        for (GradcheckResult r : results) {
            atomicWrite(fs, new Path(d, heatmapName(results, r)), Heatmap.png(r));
        }
        if (results.size() > 1) {
            GradcheckResult worst = results.stream()
                    .max((a, b) -> Double.compare(a.maxAbs, b.maxAbs))
                    .get();
            atomicWrite(fs, new Path(d, "error-heatmap.png"), Heatmap.png(worst));
        }
    }

    static String heatmapName(List<GradcheckResult> all, GradcheckResult r) {
        return all.size() == 1 ? "error-heatmap.png" : "error-heatmap-" + r.input + ".png";
    }

    /** Writes {@code p} by rename from a temporary beside it; {@code fs} as {@link HadoopFiles#fileSystem} gives it. */
    static void atomicWrite(FileSystem fs, Path p, byte[] bytes) throws IOException {
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        try (java.io.OutputStream out = HadoopFiles.create(fs, tmp, true)) {
            out.write(bytes);
        }
        if (fs.exists(p)) {
            fs.delete(p, false);
        }
        if (!fs.rename(tmp, p)) {
            throw new IOException("could not rename " + tmp + " to " + p);
        }
    }
}
