package io.adjoint.driver.report;

import io.adjoint.driver.gradcheck.GradcheckResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The error heatmap of one input as a PNG: the largest |analytic − numeric| per tile over the (p·q) × (k·l) grid, on
 * a log scale anchored to the tolerance. Tiles whose entries all pass are drawn in cool blues (darker is smaller),
 * tiles with a failing entry in warm reds to yellow (brighter is larger), so a passing check never looks like a
 * failing one; NaN or infinite values are magenta, tiles not compared grey. The verdict and the tolerance are
 * printed on the image. Drawn with Java2D, headless.
 */
final class Heatmap {
    static final Color NOT_COMPARED = new Color(200, 200, 200);
    static final Color NON_FINITE = new Color(255, 0, 255);

    private Heatmap() {}

    /** Cool ramp for passing tiles, t in [0, 1]: dark blue → light blue-green. */
    static Color cool(double t) {
        return mix(new Color(8, 29, 88), new Color(127, 205, 187), t);
    }

    /** Warm ramp for failing tiles, t in [0, 1]: dark red → orange → yellow. */
    static Color warm(double t) {
        return t < 0.5
                ? mix(new Color(165, 0, 38), new Color(253, 141, 60), t * 2)
                : mix(new Color(253, 141, 60), new Color(255, 255, 102), t * 2 - 1);
    }

    private static Color mix(Color a, Color b, double t) {
        double f = Math.max(0, Math.min(1, t));
        return new Color(
                (int) Math.round(a.getRed() * (1 - f) + b.getRed() * f),
                (int) Math.round(a.getGreen() * (1 - f) + b.getGreen() * f),
                (int) Math.round(a.getBlue() * (1 - f) + b.getBlue() * f));
    }

    /** The colour of a tile: its largest error (log10 of it), whether an entry failed, against the scale. */
    static Color tileColour(double maxAbs, boolean failed, Scale s) {
        if (Double.isNaN(maxAbs)) {
            return NOT_COMPARED;
        }
        if (Double.isInfinite(maxAbs)) {
            return NON_FINITE;
        }
        double lv = Math.log10(Math.max(maxAbs, 1e-17));
        return failed ? warm((lv - s.tol) / (s.hi - s.tol)) : cool((lv - s.lo) / (s.tol - s.lo));
    }

    /** The log10 range of the colour bar: lo … tol (passing) … hi (failing), all finite. */
    record Scale(double lo, double tol, double hi) {
        static Scale of(double[][] tileMax, double atol) {
            double tol = Math.log10(Math.max(atol, 1e-16));
            double lo = tol - 6;
            double hi = tol + 2;
            for (double[] row : tileMax) {
                for (double v : row) {
                    if (Double.isFinite(v)) {
                        double lv = Math.log10(Math.max(v, 1e-17));
                        lo = Math.min(lo, Math.floor(lv));
                        hi = Math.max(hi, Math.ceil(lv));
                    }
                }
            }
            return new Scale(Math.max(lo, -17), tol, Math.min(hi, 308));
        }
    }

    /** The error heatmap as PNG bytes. */
    static byte[] png(GradcheckResult r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int nr = r.tileMax.length;
        int nc = r.tileMax[0].length;
        int left = 90;
        int top = 60;
        int plot = 512;
        int cellW = Math.max(1, plot / nc);
        int cellH = Math.max(1, plot / nr);
        int pw = cellW * nc;
        int ph = cellH * nr;
        int width = left + pw + 164;
        int height = top + ph + 70;
        Scale s = Scale.of(r.tileMax, r.tolerance.atol);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < nr; i++) {
            for (int k = 0; k < nc; k++) {
                boolean failed = r.tileFailed != null && r.tileFailed[i][k];
                g.setColor(tileColour(r.tileMax[i][k], failed, s));
                g.fillRect(left + k * cellW, top + i * cellH, cellW, cellH);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(r.passed() ? new Color(0, 120, 0) : new Color(190, 0, 0));
        g.drawString(r.passed() ? "PASS" : "FAIL", 10, 22);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(
                "largest |analytic − numeric| per tile, ∂out/∂" + r.input + " " + r.shape + " (" + r.mode.label() + ")",
                64,
                22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(
                String.format(
                        Locale.ROOT,
                        "an entry passes when |analytic − numeric| ≤ %.0e + %.0e·|numeric|; blue tiles pass, red to"
                                + " yellow tiles fail",
                        r.tolerance.atol,
                        r.tolerance.rtol),
                10,
                42);
        long rows = r.shape.rows();
        long cols = r.shape.cols();
        g.drawString("0", left - 14, top + 10);
        g.drawString(Long.toString(rows), left - 8 - 7 * Long.toString(rows).length(), top + ph);
        g.drawString("0", left, top + ph + 16);
        g.drawString(Long.toString(cols), left + pw - 7 * Long.toString(cols).length(), top + ph + 16);
        g.drawString("input entry r·l + s of " + r.input + " (tiles of " + r.tileCols() + ")", left, top + ph + 36);
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("output entry i·q + j (tiles of " + r.tileRows() + ")", -(top + ph), left - 40);
        g.setTransform(old);
        colourBar(g, s, left + pw + 44, top, ph);
        g.dispose();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }

    /** The colour bar: cool below the tolerance, warm above, ticks at powers of ten, a line at atol. */
    private static void colourBar(Graphics2D g, Scale s, int bx, int top, int ph) {
        int bw = 20;
        for (int y = 0; y < ph; y++) {
            double lv = s.hi - (s.hi - s.lo) * y / Math.max(1, ph - 1);
            g.setColor(lv > s.tol ? warm((lv - s.tol) / (s.hi - s.tol)) : cool((lv - s.lo) / (s.tol - s.lo)));
            g.fillRect(bx, top + y, bw, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(bx, top, bw, ph);
        long ticks = Math.round(s.hi - s.lo);
        long stride = Math.max(1, ticks / 8);
        for (long e = (long) Math.ceil(s.lo); e <= (long) Math.floor(s.hi); e += stride) {
            int y = top + (int) Math.round((s.hi - e) / (s.hi - s.lo) * (ph - 1));
            g.drawLine(bx + bw, y, bx + bw + 4, y);
            g.drawString("1e" + e, bx + bw + 7, y + 4);
        }
        int ty = top + (int) Math.round((s.hi - s.tol) / (s.hi - s.lo) * (ph - 1));
        g.setStroke(new BasicStroke(2));
        g.drawLine(bx - 4, ty, bx + bw + 4, ty);
        g.drawString("atol", bx - 34, ty + 4);
        g.setStroke(new BasicStroke(1));
        g.drawString("log scale", bx - 4, top - 8);
        g.setColor(NOT_COMPARED);
        g.fillRect(bx, top + ph + 14, 12, 12);
        g.setColor(NON_FINITE);
        g.fillRect(bx, top + ph + 32, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("not compared", bx + 16, top + ph + 25);
        g.drawString("NaN or infinite", bx + 16, top + ph + 43);
    }
}
