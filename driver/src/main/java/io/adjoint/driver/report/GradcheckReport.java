package io.adjoint.driver.report;

import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes {@code report.json}, {@code report.md} and the error heatmaps of a gradcheck, each under a
 * temporary name and renamed into place, and builds the one-line verdict.
 */
public final class GradcheckReport {
    private GradcheckReport() {}

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "null";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "1e999" : "-1e999";
        }
        return String.format(Locale.ROOT, "%.17g", v);
    }

    static String sci(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String entryName(GradcheckResult r, TileStats.Entry e) {
        long[] ix = r.index(e.row, e.col);
        return String.format(Locale.ROOT, "∂out[%d,%d]/∂%s[%d,%d]", ix[0], ix[1], r.input, ix[2], ix[3]);
    }

    /** PASS or FAIL, the largest errors, the worst entry. */
    public static String verdict(List<GradcheckResult> results) {
        boolean pass = results.stream().allMatch(GradcheckResult::passed);
        long compared = 0;
        long failed = 0;
        double maxAbs = 0;
        double maxRel = 0;
        GradcheckResult worstIn = null;
        TileStats.Entry worst = null;
        int probes = 0;
        int probesFailed = 0;
        double probeErr = 0;
        for (GradcheckResult r : results) {
            compared += r.compared;
            failed += r.failed;
            maxAbs = Math.max(maxAbs, r.maxAbs);
            maxRel = Math.max(maxRel, r.maxRel);
            probes += r.probes;
            probesFailed += r.probesFailed;
            probeErr = Math.max(probeErr, r.maxProbeError);
            if (!r.worst.isEmpty() && (worst == null || r.worst.get(0).absError > worst.absError)) {
                worst = r.worst.get(0);
                worstIn = r;
            }
        }
        StringBuilder sb = new StringBuilder(pass ? "PASS: " : "FAIL: ");
        if (failed > 0) {
            sb.append(failed).append(" of ");
        }
        sb.append(compared).append(" entries ").append(failed > 0 ? "disagree" : "compared");
        if (probes > 0) {
            sb.append(", ")
                    .append(probes)
                    .append(" projections (")
                    .append(probesFailed)
                    .append(" disagree, largest" + " projection error ")
                    .append(sci(probeErr))
                    .append(")");
        }
        sb.append("; max abs error ")
                .append(sci(maxAbs))
                .append(", max rel error ")
                .append(sci(maxRel));
        if (worst != null) {
            sb.append("; worst ")
                    .append(entryName(worstIn, worst))
                    .append(": analytic ")
                    .append(sci(worst.analytic))
                    .append(", numeric ")
                    .append(sci(worst.numeric));
        }
        return sb.toString();
    }

    /** Writes the three files into {@code dir}. */
    public static void write(
            String dir, GradcheckRequest req, List<GradcheckResult> results, double seconds, Configuration conf)
            throws IOException {
        boolean pass = results.stream().allMatch(GradcheckResult::passed);
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"verdict\": ").append(json(pass ? "PASS" : "FAIL")).append(",\n");
        j.append("  \"expression\": ").append(json(req.job.exprText())).append(",\n");
        j.append("  \"eps\": ").append(num(req.eps)).append(",\n");
        j.append("  \"rtol\": ").append(num(req.rtol)).append(",\n");
        j.append("  \"atol\": ").append(num(req.atol)).append(",\n");
        j.append("  \"rule\": \"|analytic - numeric| <= atol + rtol * |numeric|\",\n");
        j.append("  \"seconds\": ").append(num(seconds)).append(",\n");
        j.append("  \"inputs\": [\n");
        for (int i = 0; i < results.size(); i++) {
            GradcheckResult r = results.get(i);
            j.append("    {\n");
            j.append("      \"input\": ").append(json(r.input)).append(",\n");
            j.append("      \"source\": ")
                    .append(json(
                            req.stored.containsKey(r.input) ? "stored " + req.stored.get(r.input) : "reverse sweep"))
                    .append(",\n");
            j.append("      \"jacobian_shape\": ")
                    .append(java.util.Arrays.toString(r.shape.toArray()))
                    .append(",\n");
            j.append("      \"mode\": ").append(json(r.mode.label())).append(",\n");
            j.append("      \"mode_reason\": ").append(json(r.modeReason)).append(",\n");
            j.append("      \"numeric\": ").append(json(r.numericMethod)).append(",\n");
            j.append("      \"verdict\": ")
                    .append(json(r.passed() ? "PASS" : "FAIL"))
                    .append(",\n");
            j.append("      \"entries_compared\": ").append(r.compared).append(",\n");
            j.append("      \"entries_failed\": ").append(r.failed).append(",\n");
            j.append("      \"projections\": ").append(r.probes).append(",\n");
            j.append("      \"projections_failed\": ").append(r.probesFailed).append(",\n");
            j.append("      \"max_projection_error\": ")
                    .append(num(r.maxProbeError))
                    .append(",\n");
            j.append("      \"max_abs_error\": ").append(num(r.maxAbs)).append(",\n");
            j.append("      \"max_rel_error\": ").append(num(r.maxRel)).append(",\n");
            j.append("      \"tile\": [")
                    .append(r.tileRows())
                    .append(", ")
                    .append(r.tileCols())
                    .append("],\n");
            j.append("      \"seconds\": ").append(num(r.seconds)).append(",\n");
            j.append("      \"probe_log\": [");
            for (int k = 0; k < r.probeLog.size(); k++) {
                j.append(k > 0 ? ", " : "").append(json(r.probeLog.get(k)));
            }
            j.append("],\n      \"worst\": [\n");
            for (int k = 0; k < r.worst.size(); k++) {
                TileStats.Entry e = r.worst.get(k);
                long[] ix = r.index(e.row, e.col);
                j.append(String.format(
                        Locale.ROOT,
                        "        {\"i\": %d, \"j\": %d, \"r\": %d, \"s\": %d, \"analytic\": %s,"
                                + " \"numeric\": %s, \"abs_error\": %s, \"rel_error\": %s}%s\n",
                        ix[0],
                        ix[1],
                        ix[2],
                        ix[3],
                        num(e.analytic),
                        num(e.numeric),
                        num(e.absError),
                        num(e.relError),
                        k + 1 < r.worst.size() ? "," : ""));
            }
            j.append("      ]\n    }").append(i + 1 < results.size() ? "," : "").append('\n');
        }
        j.append("  ]\n}\n");

        StringBuilder md = new StringBuilder("# Gradient check: ")
                .append(pass ? "PASS" : "FAIL")
                .append("\n\n");
        md.append("Expression: `").append(req.job.exprText()).append("`  \n");
        md.append(String.format(
                Locale.ROOT,
                "Central differences with step %s; an entry passes when |analytic − numeric| ≤ "
                        + "%s + %s·|numeric|. %s\n\n",
                sci(req.eps),
                sci(req.atol),
                sci(req.rtol),
                verdict(results)));
        md.append(
                "| input | Jacobian | mode | entries compared | failed | projections (failed) | max abs error | max rel error | time |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (GradcheckResult r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %d | %d (%d) | %s | %s | %.2f s |\n",
                    r.input,
                    r.shape,
                    r.mode.label(),
                    r.compared,
                    r.failed,
                    r.probes,
                    r.probesFailed,
                    sci(r.maxAbs),
                    sci(r.maxRel),
                    r.seconds));
        }
        for (GradcheckResult r : results) {
            md.append("\n## ∂out/∂")
                    .append(r.input)
                    .append("\n\n")
                    .append(r.modeReason)
                    .append("; ")
                    .append(r.numericMethod)
                    .append(".\n");
            for (String l : r.probeLog) {
                md.append("- ").append(l).append('\n');
            }
            if (!r.worst.isEmpty()) {
                md.append("\n| entry | analytic | numeric | abs error | rel error |\n|---|---|---|---|---|\n");
                for (TileStats.Entry e : r.worst) {
                    md.append("| ")
                            .append(entryName(r, e))
                            .append(" | ")
                            .append(sci(e.analytic))
                            .append(" | ")
                            .append(sci(e.numeric))
                            .append(" | ")
                            .append(sci(e.absError))
                            .append(" | ")
                            .append(sci(e.relError))
                            .append(" |\n");
                }
            }
            md.append("\n![errors of ∂out/∂")
                    .append(r.input)
                    .append("](")
                    .append(heatmapName(results, r))
                    .append(")\n");
        }
        md.append("\n## How to read this report\n\n"
                + "Rows of the heatmap are output entries out[i, j] flattened as i·q + j, columns are input entries "
                + "X[r, s] flattened as r·l + s, grouped into tiles. Each tile's colour is the largest |analytic − numeric| "
                + "in it, on a log scale; grey tiles were not compared (probe mode checks in full only the tiles its "
                + "projections point at). A wrong derivative shows as a bright tile or stripe: one bright tile is a "
                + "few wrong entries, a bright row of tiles is one output whose derivative is wrong, a bright diagonal "
                + "or everything bright is a systematic error (a factor, a transposition). Errors near 1e-10 are the "
                + "differences' own noise.\n");

        Path d = new Path(dir);
        FileSystem fs = d.getFileSystem(conf);
        atomicWrite(fs, new Path(d, "report.json"), j.toString().getBytes(StandardCharsets.UTF_8));
        atomicWrite(fs, new Path(d, "report.md"), md.toString().getBytes(StandardCharsets.UTF_8));
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

    static void atomicWrite(FileSystem fs, Path p, byte[] bytes) throws IOException {
        if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem) {
            fs = ((org.apache.hadoop.fs.ChecksumFileSystem) fs).getRawFileSystem();
        }
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
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
