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
import javax.imageio.ImageIO;

/**
 * The error heatmap of one input as a PNG: the largest |analytic − numeric| per tile over the (p·q) × (k·l) grid, on
 * a log colour scale; grey tiles were not compared. Drawn with Java2D, headless.
 */
final class Heatmap {
    private Heatmap() {}

    /** A perceptual dark-blue → green → yellow colour ramp (viridis-like), t in [0, 1]. */
    static Color ramp(double t) {
        double[][] stops = {
            {0.267, 0.005, 0.329},
            {0.230, 0.322, 0.546},
            {0.128, 0.567, 0.551},
            {0.369, 0.789, 0.383},
            {0.993, 0.906, 0.144}
        };
        t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) t);
        double f = t - i;
        float[] c = new float[3];
        for (int k = 0; k < 3; k++) {
            c[k] = (float) (stops[i][k] * (1 - f) + stops[i + 1][k] * f);
        }
        return new Color(c[0], c[1], c[2]);
    }

    /** The error heatmap as PNG bytes. */
    static byte[] png(GradcheckResult r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int nr = r.tileMax.length;
        int nc = r.tileMax[0].length;
        int left = 90;
        int top = 50;
        int plot = 512;
        int cellW = Math.max(1, plot / nc);
        int cellH = Math.max(1, plot / nr);
        int pw = cellW * nc;
        int ph = cellH * nr;
        int width = left + pw + 140;
        int height = top + ph + 70;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : r.tileMax) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    double lv = Math.log10(Math.max(v, 1e-17));
                    lo = Math.min(lo, lv);
                    hi = Math.max(hi, lv);
                }
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            lo = -17;
            hi = 0;
        }
        lo = Math.floor(Math.min(lo, -12));
        hi = Math.ceil(Math.max(hi, lo + 1));
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < nr; i++) {
            for (int k = 0; k < nc; k++) {
                double v = r.tileMax[i][k];
                g.setColor(
                        Double.isNaN(v)
                                ? new Color(200, 200, 200)
                                : ramp((Math.log10(Math.max(v, 1e-17)) - lo) / (hi - lo)));
                g.fillRect(left + k * cellW, top + i * cellH, cellW, cellH);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(
                "largest |analytic − numeric| per tile, ∂out/∂" + r.input + " " + r.shape + " (" + r.mode.label() + ")",
                10,
                22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
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
        // colour bar
        int bx = left + pw + 30;
        int bw = 20;
        for (int y = 0; y < ph; y++) {
            g.setColor(ramp(1.0 - (double) y / Math.max(1, ph - 1)));
            g.fillRect(bx, top + y, bw, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(bx, top, bw, ph);
        int ticks = (int) (hi - lo);
        int stride = Math.max(1, ticks / 8);
        for (int e = (int) lo; e <= (int) hi; e += stride) {
            int y = top + (int) Math.round((hi - e) / (hi - lo) * (ph - 1));
            g.drawLine(bx + bw, y, bx + bw + 4, y);
            g.drawString("1e" + e, bx + bw + 7, y + 4);
        }
        g.drawString("log scale", bx - 4, top - 8);
        g.setColor(new Color(200, 200, 200));
        g.fillRect(bx, top + ph + 24, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("not compared", bx + 16, top + ph + 35);
        g.dispose();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }
}
