package io.adjoint.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.linalg.Shape4;
import io.adjoint.driver.gradcheck.CheckMode;
import io.adjoint.driver.gradcheck.GradcheckResult;
import io.adjoint.driver.gradcheck.TileGrid;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The heatmap shows the planted error's tile: the brightest cell is where the largest error is. */
class GradcheckReportTest {
    static int brightness(int rgb) {
        return ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
    }

    @Test
    void theLargestErrorIsTheBrightestTileAndUncomparedTilesAreGrey() throws Exception {
        GradcheckResult r = new GradcheckResult("X", new Shape4(4, 4, 4, 4));
        r.mode = CheckMode.FULL;
        r.grid = new TileGrid(16, 16, 2, 2);
        r.tileMax = new double[8][8];
        for (double[] row : r.tileMax) {
            java.util.Arrays.fill(row, 1e-11);
        }
        r.tileMax[5][2] = 0.7; // the planted error
        r.tileMax[0][7] = Double.NaN; // not compared
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Heatmap.png(r)));
        // plot area: left 90, top 50, 8 cells of 64 px each way
        int brightest = -1;
        int[] at = null;
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < 8; k++) {
                int rgb = img.getRGB(90 + k * 64 + 32, 50 + i * 64 + 32);
                if (i == 0 && k == 7) {
                    assertEquals(0xc8c8c8, rgb & 0xffffff, "grey where nothing was compared");
                    continue;
                }
                if (brightness(rgb) > brightest) {
                    brightest = brightness(rgb);
                    at = new int[] {i, k};
                }
            }
        }
        assertEquals(5, at[0]);
        assertEquals(2, at[1]);
        assertTrue(img.getWidth() > 600 && img.getHeight() > 600);
    }
}
