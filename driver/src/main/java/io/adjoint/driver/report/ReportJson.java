package io.adjoint.driver.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.adjoint.core.check.DetectionPower;
import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code report.json}: everything the report says, for programs, written with Jackson. Numbers are JSON numbers
 * (the shortest text that reads back to the same double); NaN is {@code null} and ±∞ is {@code ±1e999} (JSON has
 * neither; {@code 1e999} reads back as infinity in Python's {@code json} and in Jackson).
 */
final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Two-space indents, {@code "key": value}, arrays on one line. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance);

    private ReportJson() {}

    static String of(GradcheckRequest req, List<GradcheckResult> results, double seconds) {
        boolean pass = results.stream().allMatch(GradcheckResult::passed);
        ObjectNode top = MAPPER.createObjectNode();
        top.put("verdict", pass ? "PASS" : "FAIL");
        top.put("expression", req.job.exprText());
        num(top, "eps", req.eps);
        num(top, "rtol", req.rtol);
        num(top, "atol", req.atol);
        top.put("rule", "|analytic - numeric| <= atol + rtol * |numeric|");
        num(top, "seconds", seconds);
        ArrayNode inputs = top.putArray("inputs");
        for (GradcheckResult r : results) {
            ObjectNode o = inputs.addObject();
            o.put("input", r.input);
            o.put("source", req.stored.containsKey(r.input) ? "stored " + req.stored.get(r.input) : "reverse sweep");
            o.put("analytic_side", r.analyticSource);
            ArrayNode shape = o.putArray("jacobian_shape");
            for (long d : r.shape.toArray()) {
                shape.add(d);
            }
            o.put("mode", r.mode.label());
            o.put("mode_reason", r.modeReason);
            o.put("numeric", r.numericMethod);
            o.put("verdict", r.passed() ? "PASS" : "FAIL");
            o.put("entries_compared", r.compared);
            o.put("entries_failed", r.failed);
            o.put("projections", r.probes);
            o.put("projections_failed", r.probesFailed);
            o.put("projections_of_the_whole", r.firstProbes);
            num(o, "max_projection_error", r.maxProbeError);
            num(o, "max_projection_threshold", r.maxProbeThreshold);
            num(o, "detects_single_entry_error_of", r.detectable);
            num(o, "detection_probability", 1 - DetectionPower.MISS);
            o.put("disagreement_unresolved", r.unresolved);
            o.put("non_finite", r.nonFinite);
            if (r.firstNonFinite == null) {
                o.putNull("first_non_finite");
            } else {
                o.set("first_non_finite", entry(r, r.firstNonFinite));
            }
            num(o, "differences_disagree_by", r.differencesDisagree); // null unless h and 2h disagree (full mode)
            num(o, "max_abs_error", r.maxAbs);
            num(o, "max_rel_error", r.maxRel);
            o.putArray("tile").add(r.tileRows()).add(r.tileCols());
            num(o, "seconds", r.seconds);
            ArrayNode log = o.putArray("probe_log");
            r.probeLog.forEach(log::add);
            ArrayNode worst = o.putArray("worst");
            for (TileStats.Entry e : r.worst) {
                worst.add(entry(r, e));
            }
        }
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(top) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One entry: its (i, j, r, s), values, errors, and whether it passes. */
    static ObjectNode entry(GradcheckResult r, TileStats.Entry e) {
        long[] ix = r.index(e.row, e.col);
        ObjectNode o = MAPPER.createObjectNode();
        o.put("i", ix[0]);
        o.put("j", ix[1]);
        o.put("r", ix[2]);
        o.put("s", ix[3]);
        num(o, "analytic", e.analytic);
        num(o, "numeric", e.numeric);
        num(o, "abs_error", e.absError);
        num(o, "rel_error", e.relError);
        o.put("passes", e.passes);
        return o;
    }

    /** A double as JSON allows: NaN as null, ±∞ as ±1e999. */
    private static void num(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else if (Double.isInfinite(v)) {
            o.putRawValue(field, new RawValue(v > 0 ? "1e999" : "-1e999"));
        } else {
            o.put(field, v);
        }
    }
}
