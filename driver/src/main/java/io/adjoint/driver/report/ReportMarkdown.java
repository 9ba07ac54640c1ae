package io.adjoint.driver.report;

import static io.adjoint.driver.report.GradcheckReport.entryName;
import static io.adjoint.driver.report.GradcheckReport.heatmapName;
import static io.adjoint.driver.report.GradcheckReport.sci;

import io.adjoint.core.check.DetectionPower;
import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.gradcheck.Projection;
import java.util.List;
import java.util.Locale;

/** {@code report.md}: the same as {@code report.json}, for people, with the probe log and the heatmaps. */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String of(GradcheckRequest req, List<GradcheckResult> results) {
        boolean pass = results.stream().allMatch(GradcheckResult::passed);
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
                Verdict.line(results)));
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
                    .append("Analytic side: ")
                    .append(r.analyticSource)
                    .append(". ")
                    .append(r.modeReason)
                    .append("; ")
                    .append(r.numericMethod)
                    .append(".\n");
            if (r.firstProbes > 0) {
                md.append(String.format(
                        Locale.ROOT,
                        "\nDetection power: a single wrong entry of size ≥ %s is detected with probability ≥ 1 − %.0e"
                                + " (from the %d projections' thresholds, each %.0f× its own measured noise).\n",
                        sci(r.detectable),
                        DetectionPower.MISS,
                        r.firstProbes,
                        Projection.SAFETY));
            }
            for (String l : r.probeLog) {
                md.append("- ").append(l).append('\n');
            }
            if (!r.worst.isEmpty()) {
                md.append("\n| entry | analytic | numeric | abs error | rel error | within tolerance |\n"
                        + "|---|---|---|---|---|---|\n");
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
                            .append(" | ")
                            .append(e.passes ? "yes" : "**no**")
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
                + "in it, on a log scale anchored to atol: blue tiles pass (every entry within the tolerance; darker is "
                + "smaller), red to yellow tiles hold failing entries (brighter is larger), magenta tiles hold NaN or "
                + "infinite values, grey tiles were not compared (probe mode checks in full only the tiles its "
                + "projections point at). One warm tile is a few wrong entries, a warm row of tiles one output whose "
                + "derivative is wrong, a warm diagonal or everything warm a systematic error (a factor, a "
                + "transposition). Relative errors are |analytic − numeric| / max(|numeric|, atol).\n");
        return md.toString();
    }
}
