package io.adjoint.core.sparsity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.BoolMatrix;
import io.adjoint.core.graph.SparsityPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The star colouring against its definition, checked by brute force on every path of four vertices, and its direct
 * recovery against symmetric matrices compressed by plain loops (exact: each entry is read from one sum with one
 * non-zero term).
 */
class StarColouringTest {
    /** A random symmetric pattern with the given edge probability; diagonal entries at random. */
    private static boolean[][] randomSymmetric(Random rnd, int n, double p) {
        boolean[][] a = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = rnd.nextDouble() < 0.7;
            for (int j = 0; j < i; j++) {
                a[i][j] = a[j][i] = rnd.nextDouble() < p;
            }
        }
        return a;
    }

    private static SparsityPattern pattern(boolean[][] a) {
        int[][] rows = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            List<Integer> r = new ArrayList<>();
            for (int j = 0; j < a.length; j++) {
                if (a[i][j]) {
                    r.add(j);
                }
            }
            rows[i] = r.stream().mapToInt(Integer::intValue).toArray();
        }
        return SparsityPattern.ofMatrix(BoolMatrix.ofRows(a.length, rows));
    }

    /** Adjacent vertices differ; every path a–b–c–d of distinct vertices uses three colours or more. */
    private static void assertStar(boolean[][] a, StarColouring s) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && (a[i][j] || a[j][i])) {
                    assertNotEquals(s.colour(i), s.colour(j), "adjacent " + i + ", " + j);
                    assertTrue(s.colour(i) >= 0 && s.colour(j) >= 0);
                }
            }
        }
        for (int b = 0; b < n; b++) {
            for (int c : s.neighbours(b)) {
                for (int x : s.neighbours(b)) {
                    if (x == c) {
                        continue;
                    }
                    for (int d : s.neighbours(c)) {
                        if (d == b || d == x) {
                            continue;
                        }
                        // path x–b–c–d: two colours only if x ~ c's colour and d ~ b's colour
                        boolean twoColours = s.colour(x) == s.colour(c) && s.colour(d) == s.colour(b);
                        assertTrue(!twoColours, "two-coloured path " + x + "–" + b + "–" + c + "–" + d);
                    }
                }
            }
        }
    }

    /** H read back from B = Sᵀ H, entry by entry, equals H. */
    private static void assertRecovers(boolean[][] a, StarColouring s, Random rnd) {
        int n = a.length;
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                if (a[i][j] || a[j][i]) {
                    h[i][j] = h[j][i] = rnd.nextGaussian();
                }
            }
        }
        DMatrixRMaj b = new DMatrixRMaj(s.colours(), n);
        for (int v = 0; v < n; v++) {
            for (int j = 0; j < n; j++) {
                if (s.colour(v) >= 0) {
                    b.add(s.colour(v), j, h[v][j]);
                }
            }
        }
        int[] count = new int[s.colours()];
        for (int i = 0; i < n; i++) {
            TreeSet<Integer> cols = new TreeSet<>();
            for (int j = 0; j < n; j++) {
                if (a[i][j]) {
                    cols.add(j);
                }
            }
            int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
            double[] got = new double[c.length];
            s.row(b, i, c, got, 0, count);
            for (int t = 0; t < c.length; t++) {
                assertEquals(h[i][c[t]], got[t], 0.0, "H[" + i + ", " + c[t] + "]");
            }
        }
        // the same through a block's dense rows
        DMatrixRMaj dense = new DMatrixRMaj(n, n);
        new StarBlock(s, b).expandInto(0, n, dense);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(h[i][j], dense.get(i, j), 0.0, "dense H[" + i + ", " + j + "]");
            }
        }
    }

    @Test
    void randomPatternsAreStarColouredAndRecovered() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(40);
            double p = new double[] {0.02, 0.08, 0.2, 0.5, 0.9}[trial % 5];
            boolean[][] a = randomSymmetric(rnd, n, p);
            StarColouring s = StarColouring.of(pattern(a));
            assertStar(a, s);
            assertRecovers(a, s, rnd);
        }
    }

    @Test
    void oneSidedPatternIsClosedUnderTransposition() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + rnd.nextInt(30);
            boolean[][] sym = randomSymmetric(rnd, n, 0.15);
            boolean[][] upper = new boolean[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    upper[i][j] = sym[i][j];
                }
            }
            StarColouring s = StarColouring.of(pattern(upper));
            assertStar(sym, s);
            assertRecovers(sym, s, rnd);
        }
    }

    @Test
    void arrowNeedsHubsPlusOneColourWhereDistanceTwoNeedsEveryRow() {
        int n = 200;
        int hubs = 3;
        boolean[][] a = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = true;
            for (int h = 0; h < hubs; h++) {
                a[i][h] = a[h][i] = true;
            }
        }
        SparsityPattern p = pattern(a);
        StarColouring s = StarColouring.of(p);
        assertEquals(hubs + 1, s.colours());
        assertEquals(n, RowColouring.of(p).colours());
        assertStar(a, s);
        assertRecovers(a, s, new Random(3));
    }

    @Test
    void knownColourCounts() {
        int n = 30;
        boolean[][] path = new boolean[n][n];
        boolean[][] clique = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            path[i][i] = true;
            if (i + 1 < n) {
                path[i][i + 1] = path[i + 1][i] = true;
            }
            for (int j = 0; j < n; j++) {
                clique[i][j] = true;
            }
        }
        assertEquals(3, StarColouring.of(pattern(path)).colours(), "a path needs 3 (2 leaves a two-coloured P4)");
        assertEquals(n, StarColouring.of(pattern(clique)).colours());
        // a Hessian block of a function linear in A: no term at all (not a term of empty factors)
        SparsityPattern zero =
                SparsityPattern.empty(new io.adjoint.core.graph.Shape2(2, 3), new io.adjoint.core.graph.Shape2(2, 3));
        assertEquals(0L, StarColouring.work(zero, 100));
        assertEquals(0, StarColouring.of(zero).colours());
        boolean[][] none = new boolean[4][4];
        StarColouring empty = StarColouring.of(pattern(none));
        assertEquals(0, empty.colours());
        assertEquals(-1, empty.colour(2));
    }

    @Test
    void workIsBoundedBeforeListingEntries() {
        SparsityPattern full = SparsityPattern.full(
                new io.adjoint.core.graph.Shape2(1000, 1000), new io.adjoint.core.graph.Shape2(1000, 1000));
        assertEquals(Long.MAX_VALUE, StarColouring.work(full, 1L << 24));
        boolean[][] a = new boolean[5][5];
        a[0][0] = a[0][1] = a[1][0] = true;
        assertEquals(2L * (2 * 2 + 1), StarColouring.work(pattern(a), 1000));
    }
}
