package io.adjoint.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.check.Tolerance;
import io.adjoint.core.linalg.Shape4;
import io.adjoint.driver.gradcheck.CheckMode;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.gradcheck.TileGrid;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The heatmap at a glance: passing tiles blue, the failing tile warm, NaN/Inf magenta, uncompared grey; and a
 * heatmap of nothing but non-finite values is drawn (it used to loop forever on an infinite colour-bar range).
 */
class GradcheckReportTest {
    static GradcheckResult result(double fill) {
        GradcheckResult r = new GradcheckResult("X", new Shape4(4, 4, 4, 4));
        r.mode = CheckMode.FULL;
        r.grid = new TileGrid(16, 16, 2, 2);
        r.tolerance = new Tolerance(1e-6, 1e-5);
        r.tileMax = new double[8][8];
        r.tileFailed = new boolean[8][8];
        for (double[] row : r.tileMax) {
            Arrays.fill(row, fill);
        }
        return r;
    }

    static int[] rgbAt(BufferedImage img, int i, int k) {
        // plot area: left 90, top 60, 8 cells of 64 px each way
        int rgb = img.getRGB(90 + k * 64 + 32, 60 + i * 64 + 32);
        return new int[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
    }

    @Test
    void passingTilesAreBlueTheFailingOneWarmNonFiniteMagentaUncomparedGrey() throws Exception {
        GradcheckResult r = result(1e-11);
        r.tileMax[5][2] = 0.7; // the planted error
        r.tileFailed[5][2] = true;
        r.failed = 1;
        r.tileMax[0][7] = Double.NaN; // not compared
        r.tileMax[3][3] = Double.POSITIVE_INFINITY; // a NaN or infinite value
        r.tileFailed[3][3] = true;
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Heatmap.png(r)));
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < 8; k++) {
                int[] c = rgbAt(img, i, k);
                String at = "tile " + i + "," + k + ": " + Arrays.toString(c);
                if (i == 0 && k == 7) {
                    assertTrue(Arrays.equals(new int[] {200, 200, 200}, c), "grey where nothing was compared, " + at);
                } else if (i == 3 && k == 3) {
                    assertTrue(Arrays.equals(new int[] {255, 0, 255}, c), "magenta where not finite, " + at);
                } else if (i == 5 && k == 2) {
                    assertTrue(c[0] > 200 && c[0] > c[2] + 100, "warm where an entry fails, " + at);
                } else {
                    assertTrue(c[2] > c[0] + 40, "blue where every entry passes, " + at);
                }
            }
        }
        assertTrue(img.getWidth() > 600 && img.getHeight() > 600);
    }

    @Test
    void aHeatmapOfOnlyNonFiniteOrUncomparedTilesIsDrawn() {
        for (double fill : new double[] {Double.POSITIVE_INFINITY, Double.NaN, 0.0, Double.MAX_VALUE}) {
            GradcheckResult r = result(fill);
            byte[] png = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Heatmap.png(r), "fill " + fill);
            assertTrue(png.length > 1000, "fill " + fill);
        }
        Heatmap.Scale s = Heatmap.Scale.of(new double[][] {{Double.POSITIVE_INFINITY, 1e300}}, 1e-6);
        assertTrue(s.lo() < s.tol() && s.tol() < s.hi() && Double.isFinite(s.hi()), s.toString());
        assertEquals(-6, s.tol(), 1e-12);
    }
}
