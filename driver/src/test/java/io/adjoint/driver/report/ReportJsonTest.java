package io.adjoint.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adjoint.core.check.TileStats;
import io.adjoint.core.check.Tolerance;
import io.adjoint.driver.gradcheck.GradcheckRequest;
import io.adjoint.driver.gradcheck.GradcheckResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code report.json} read back with Jackson: every field the report promises, with the same numbers as the result
 * (doubles exactly, NaN as null, infinity as a number that reads back as infinity), and text that needs escaping.
 */
class ReportJsonTest {
    @Test
    void theReportReadsBackWithItsFieldsAndNumbers() throws Exception {
        GradcheckRequest req = new GradcheckRequest();
        req.job.expr("tanh(W @ X) \"quoted\"\n");
        req.eps = 1e-6;
        req.rtol = 1.0 / 3;
        req.atol = 2e-7;
        GradcheckResult r = GradcheckReportTest.result(1e-11);
        r.failed = 1;
        r.compared = 256;
        r.maxAbs = 0.1 + 0.2;
        r.maxRel = Double.POSITIVE_INFINITY;
        r.detectable = Double.NaN;
        r.modeReason = "because";
        r.probeLog.add("level 1: 4 regions probed, 1 disagree");
        TileStats.Entry bad = new TileStats.Entry(5, 6, 1.5, -2.25, new Tolerance(req.atol, req.rtol));
        r.worst.add(bad);
        r.firstNonFinite = bad;
        String text = ReportJson.of(req, List.of(r), 1.25);
        JsonNode top = new ObjectMapper().readTree(text);

        assertEquals("FAIL", top.get("verdict").asText());
        assertEquals("tanh(W @ X) \"quoted\"\n", top.get("expression").asText());
        assertEquals(1e-6, top.get("eps").doubleValue(), 0);
        assertEquals(1.0 / 3, top.get("rtol").doubleValue(), 0);
        assertEquals(2e-7, top.get("atol").doubleValue(), 0);
        assertEquals(1.25, top.get("seconds").doubleValue(), 0);
        assertEquals(1, top.get("inputs").size());
        JsonNode in = top.get("inputs").get(0);
        assertEquals("X", in.get("input").asText());
        assertEquals("reverse sweep", in.get("source").asText());
        assertEquals("[4,4,4,4]", in.get("jacobian_shape").toString());
        assertEquals("because", in.get("mode_reason").asText());
        assertEquals("FAIL", in.get("verdict").asText());
        assertEquals(256, in.get("entries_compared").longValue());
        assertEquals(1, in.get("entries_failed").longValue());
        assertEquals(0.1 + 0.2, in.get("max_abs_error").doubleValue(), 0, "the double itself, not a rounding");
        assertTrue(
                Double.isInfinite(in.get("max_rel_error").doubleValue()),
                in.get("max_rel_error").toString());
        assertTrue(in.get("detects_single_entry_error_of").isNull(), "NaN is null");
        assertEquals(
                List.of("level 1: 4 regions probed, 1 disagree"),
                List.of(in.get("probe_log").get(0).asText()));
        long[] ix = r.index(5, 6);
        JsonNode w = in.get("worst").get(0);
        assertEquals(
                List.of(ix[0], ix[1], ix[2], ix[3]),
                List.of(
                        w.get("i").longValue(),
                        w.get("j").longValue(),
                        w.get("r").longValue(),
                        w.get("s").longValue()));
        assertEquals(1.5, w.get("analytic").doubleValue(), 0);
        assertEquals(-2.25, w.get("numeric").doubleValue(), 0);
        assertEquals(bad.passes, w.get("passes").booleanValue());
        assertEquals(w, in.get("first_non_finite"));
        for (String field : List.of(
                "analytic_side",
                "mode",
                "numeric",
                "projections",
                "projections_failed",
                "projections_of_the_whole",
                "max_projection_error",
                "max_projection_threshold",
                "detection_probability",
                "disagreement_unresolved",
                "non_finite",
                "tile",
                "seconds")) {
            assertTrue(in.has(field), field + " missing: " + in);
        }
        assertTrue(text.contains("\"entries_failed\": 1,\n"), "\"key\": value, one per line: " + text);
        assertTrue(text.endsWith("}\n"), text);
    }
}
