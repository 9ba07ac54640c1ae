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
        HadoopFiles.writeAtomically(fs, new Path(d, "report.json"), o -> o.write(j.getBytes(StandardCharsets.UTF_8)));
        HadoopFiles.writeAtomically(fs, new Path(d, "report.md"), o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
        for (GradcheckResult r : results) {
            byte[] png = Heatmap.png(r);
            HadoopFiles.writeAtomically(fs, new Path(d, heatmapName(results, r)), o -> o.write(png));
        }
        if (results.size() > 1) {
            GradcheckResult worst = results.stream()
                    .max((a, b) -> Double.compare(a.maxAbs, b.maxAbs))
                    .get();
            byte[] png = Heatmap.png(worst);
            HadoopFiles.writeAtomically(fs, new Path(d, "error-heatmap.png"), o -> o.write(png));
        }
    }

    static String heatmapName(List<GradcheckResult> all, GradcheckResult r) {
        return all.size() == 1 ? "error-heatmap.png" : "error-heatmap-" + r.input + ".png";
    }
}
