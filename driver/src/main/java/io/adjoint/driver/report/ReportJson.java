package io.adjoint.driver.report;

import static io.adjoint.driver.report.GradcheckReport.json;
import static io.adjoint.driver.report.GradcheckReport.num;

import io.adjoint.core.check.DetectionPower;
import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import java.util.List;
import java.util.Locale;

/** {@code report.json}: everything the report says, for programs. */
final class ReportJson {
    private ReportJson() {}

    static String of(GradcheckRequest req, List<GradcheckResult> results, double seconds) {
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
            j.append("      \"analytic_side\": ").append(json(r.analyticSource)).append(",\n");
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
            j.append("      \"projections_of_the_whole\": ")
                    .append(r.firstProbes)
                    .append(",\n");
            j.append("      \"max_projection_error\": ")
                    .append(num(r.maxProbeError))
                    .append(",\n");
            j.append("      \"max_projection_threshold\": ")
                    .append(num(r.maxProbeThreshold))
                    .append(",\n");
            j.append("      \"detects_single_entry_error_of\": ")
                    .append(num(r.detectable))
                    .append(",\n");
            j.append("      \"detection_probability\": ")
                    .append(num(1 - DetectionPower.MISS))
                    .append(",\n");
            j.append("      \"disagreement_unresolved\": ").append(r.unresolved).append(",\n");
            j.append("      \"non_finite\": ").append(r.nonFinite).append(",\n");
            j.append("      \"first_non_finite\": ")
                    .append(r.firstNonFinite == null ? "null" : entry(r, r.firstNonFinite))
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
                j.append("        ").append(entry(r, r.worst.get(k))).append(k + 1 < r.worst.size() ? "," : "");
                j.append('\n');
            }
            j.append("      ]\n    }").append(i + 1 < results.size() ? "," : "").append('\n');
        }
        j.append("  ]\n}\n");

        return j.toString();
    }

    /** One entry as a JSON object: its (i, j, r, s), values, errors, and whether it passes. */
    static String entry(GradcheckResult r, TileStats.Entry e) {
        long[] ix = r.index(e.row, e.col);
        return String.format(
                Locale.ROOT,
                "{\"i\": %d, \"j\": %d, \"r\": %d, \"s\": %d, \"analytic\": %s, \"numeric\": %s, \"abs_error\": %s,"
                        + " \"rel_error\": %s, \"passes\": %s}",
                ix[0],
                ix[1],
                ix[2],
                ix[3],
                num(e.analytic),
                num(e.numeric),
                num(e.absError),
                num(e.relError),
                e.passes);
    }
}
