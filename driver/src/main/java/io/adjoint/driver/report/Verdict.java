package io.adjoint.driver.report;

import io.adjoint.core.check.DetectionPower;
import io.adjoint.core.check.TileStats;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.gradcheck.Projection;
import java.util.List;

/**
 * The one verdict line of a gradcheck. It says what was compared: entries (how many disagree, the largest errors,
 * the worst entry), and in probe mode the projections (how many went beyond their own noise) and the power of the
 * check — the size of a single wrong entry it detects with probability ≥ 1 − 10⁻⁶. Non-finite values are named.
 */
public final class Verdict {
    private Verdict() {}

    /** PASS or FAIL and why, over all inputs. */
    public static String line(List<GradcheckResult> results) {
        boolean pass = results.stream().allMatch(GradcheckResult::passed);
        long compared = 0;
        long failed = 0;
        double maxAbs = 0;
        double maxRel = 0;
        GradcheckResult worstIn = null;
        TileStats.Entry worst = null;
        int probes = 0;
        int probesFailed = 0;
        int nonFiniteProbes = 0;
        double probeErr = 0;
        double probeThreshold = 0;
        double detectable = 0;
        long nonFinite = 0;
        GradcheckResult nonFiniteIn = null;
        boolean unresolved = false;
        long structural = 0;
        GradcheckResult structuralIn = null;
        for (GradcheckResult r : results) {
            structural += r.structural;
            if (structuralIn == null && r.firstStructural != null) {
                structuralIn = r;
            }
            compared += r.compared;
            failed += r.failed;
            maxAbs = Math.max(maxAbs, r.maxAbs);
            maxRel = Math.max(maxRel, r.maxRel);
            probes += r.firstProbes;
            probesFailed += r.probesFailed;
            nonFiniteProbes += r.nonFiniteProbes;
            probeErr = Math.max(probeErr, r.maxProbeError);
            probeThreshold = Math.max(probeThreshold, r.maxProbeThreshold);
            if (r.firstProbes > 0) {
                detectable = Double.isNaN(r.detectable) ? Double.POSITIVE_INFINITY : Math.max(detectable, r.detectable);
            }
            unresolved |= r.unresolved;
            nonFinite += r.nonFinite;
            if (nonFiniteIn == null && r.firstNonFinite != null) {
                nonFiniteIn = r;
            }
            if (!r.worst.isEmpty() && (worst == null || r.worst.get(0).absError > worst.absError)) {
                worst = r.worst.get(0);
                worstIn = r;
            }
        }
        StringBuilder sb = new StringBuilder(pass ? "PASS: " : "FAIL: ");
        if (compared > 0 || probes == 0) {
            if (failed > 0) {
                sb.append(failed).append(" of ");
            }
            sb.append(compared).append(" entries ").append(failed > 0 ? "disagree" : "compared");
            sb.append(probes > 0 ? ", " : "");
        }
        if (probes > 0) {
            sb.append(probes)
                    .append(" random projections (")
                    .append(probesFailed)
                    .append(" beyond ")
                    .append((int) Projection.SAFETY)
                    .append("× their own noise");
            if (nonFiniteProbes > 0) {
                sb.append(", ").append(nonFiniteProbes).append(" of them not finite");
            }
            if (nonFiniteProbes < probes) {
                sb.append("; largest |analytic − numeric| ")
                        .append(GradcheckReport.sci(probeErr))
                        .append(", largest threshold ")
                        .append(GradcheckReport.sci(probeThreshold));
            }
            sb.append(")");
            if (Double.isFinite(detectable)) {
                sb.append("; detects a single wrong entry of size ≥ ")
                        .append(GradcheckReport.sci(detectable))
                        .append(" with probability ≥ 1 − ")
                        .append(String.format(java.util.Locale.ROOT, "%.0e", DetectionPower.MISS));
            } else if (nonFiniteProbes > 0) {
                sb.append("; no detection power stated: ")
                        .append(nonFiniteProbes == probes ? "no projection was finite" : "a projection was not finite");
            } else {
                // finite projections, too few for any error size to be caught with probability ≥ 1 − MISS
                sb.append("; no detection power stated: ")
                        .append(probes)
                        .append(" projection(s) are too few to detect any single wrong entry with probability ≥ 1 − ")
                        .append(String.format(java.util.Locale.ROOT, "%.0e", DetectionPower.MISS))
                        .append(" (leave --probes out, or give more)");
            }
            if (compared == 0) {
                sb.append("; no entry compared individually");
            }
            if (unresolved) {
                sb.append("; the disagreement could not be pinned to tiles (check with --mode full)");
            }
        }
        if (compared > 0) {
            sb.append("; max abs error ")
                    .append(GradcheckReport.sci(maxAbs))
                    .append(", max rel error ")
                    .append(GradcheckReport.sci(maxRel));
        }
        for (GradcheckResult r : results) {
            if (Double.isFinite(r.differencesDisagree)) {
                sb.append("; d/d")
                        .append(r.input)
                        .append(": central differences at steps h and 2h differ by ")
                        .append(GradcheckReport.sci(Math.abs(r.differencesDisagree)))
                        .append(" at the worst entry, more than the tolerance: this function's conditioning is beyond"
                                + " them there, so the failure may be theirs (try another --eps, or check against a"
                                + " reference)");
            }
        }
        if (structural > 0) {
            TileStats.Entry e = structuralIn.firstStructural;
            long[] ix = structuralIn.index(e.row, e.col);
            sb.append("; ")
                    .append(structural)
                    .append(" analytic non-zero")
                    .append(structural == 1 ? "" : "s")
                    .append(" where the structural pattern has none, first ")
                    .append(GradcheckReport.entryName(structuralIn, e))
                    .append(" = ")
                    .append(GradcheckReport.sci(e.analytic))
                    .append(String.format(
                            java.util.Locale.ROOT,
                            " (out[%d,%d] does not depend on %s[%d,%d])",
                            ix[0],
                            ix[1],
                            structuralIn.input,
                            ix[2],
                            ix[3]));
        }
        if (nonFinite > 0) {
            TileStats.Entry e = nonFiniteIn.firstNonFinite;
            sb.append("; ")
                    .append(nonFinite)
                    .append(" non-finite value")
                    .append(nonFinite == 1 ? "" : "s")
                    .append(", first ")
                    .append(GradcheckReport.entryName(nonFiniteIn, e))
                    .append(": analytic ")
                    .append(GradcheckReport.sci(e.analytic))
                    .append(", numeric ")
                    .append(GradcheckReport.sci(e.numeric));
        } else if (worst != null) {
            sb.append("; worst ")
                    .append(GradcheckReport.entryName(worstIn, worst))
                    .append(": analytic ")
                    .append(GradcheckReport.sci(worst.analytic))
                    .append(", numeric ")
                    .append(GradcheckReport.sci(worst.numeric));
        }
        return sb.toString();
    }
}
