package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.expr.Parser;
import io.adjoint.core.graph.Forward;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grad} and {@code hessian} from the command line: a printed gradient parses back and its value equals
 * {@code vjp}'s; every Hessian block of a two-layer loss equals central differences of reverse-mode gradients (the
 * sweep over f's own local Jacobians: no symbolic rule involved), and the mixed blocks are each other's transposes;
 * the refusals are one line and exit 2.
 */
class SecondOrderCliTest {
    @TempDir
    Path dir;

    static final String LOSS = "sum(square(tanh(W2 @ tanh(W1 @ X + b1) + b2) - Y))";

    static double[] read(Path p) throws IOException {
        return io.adjoint.core.testing.TestArrays.readAll(p);
    }

    /** {@code got} has {@code want}'s shape and equals it to 1e-10 of its largest entry (a PyTorch fixture). */
    static void assertSameArray(Path want, Path got, String what) throws IOException {
        assertEquals(Arrays.toString(shape(want)), Arrays.toString(shape(got)), what);
        double[] w = read(want);
        double[] g = read(got);
        double scale = 0;
        for (double x : w) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], 1e-10 * Math.max(scale, 1e-300), what + " @" + i);
        }
    }

    static long[] shape(Path p) throws IOException {
        try (FileByteSource src = new FileByteSource(p)) {
            return NpyHeader.read(src).shape();
        }
    }

    /** The gradient of the 1×1 f at {@code in} w.r.t. {@code x} by the reverse sweep of f's tape. */
    static double[] reverseGradient(Graph g, Map<String, DMatrixRMaj> in, String x) {
        Forward f = Forward.run(g, in, Functions.standard());
        return GraphTesting.sweepAll(f, x, 1).data;
    }

    @Test
    void theHessianOfALossEqualsDifferencesOfReverseModeGradients() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(24, "W1:5x4", "W2:3x5", "X:4x6", "b1:5x1", "b2:3x1", "Y:3x6");
        List<String> args = new ArrayList<>(List.of("hessian", "--master", "local[2]", "--expr", LOSS));
        args.addAll(CliRunner.inputs(dir, in));
        args.addAll(List.of("--wrt", "X,W1", "--out", dir.resolve("h").toString(), "--rows-per-task", "7"));
        CliRunner r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.code, r.err);
        assertEquals(List.of("W1.W1.npy", "W1.X.npy", "X.W1.npy", "X.X.npy"), CliRunner.listing(dir.resolve("h")));
        assertTrue(r.err.contains("hessian: wrote " + dir.resolve("h/X.X.npy")), r.err);

        Graph g = GraphTesting.compile(LOSS, in);
        double h = 1e-6;
        for (String a : List.of("X", "W1")) {
            for (String b : List.of("X", "W1")) {
                Path file = dir.resolve("h").resolve(a + "." + b + ".npy");
                DMatrixRMaj xa = in.get(a);
                DMatrixRMaj xb = in.get(b);
                assertEquals(
                        Arrays.toString(new long[] {xa.numRows, xa.numCols, xb.numRows, xb.numCols}),
                        Arrays.toString(shape(file)));
                double[] got = read(file);
                int cols = xb.getNumElements();
                for (int k = 0; k < cols; k++) {
                    double keep = xb.data[k];
                    xb.data[k] = keep + h;
                    double[] up = reverseGradient(g, in, a);
                    xb.data[k] = keep - h;
                    double[] down = reverseGradient(g, in, a);
                    xb.data[k] = keep;
                    for (int row = 0; row < xa.getNumElements(); row++) {
                        double want = (up[row] - down[row]) / (2 * h);
                        double have = got[row * cols + k];
                        assertTrue(
                                Math.abs(have - want) <= 1e-6 + 1e-6 * Math.abs(want),
                                a + "." + b + " [" + row + ", " + k + "]: " + have + " vs differences " + want);
                    }
                }
            }
        }
        // hvp: a batch of 3 tangents for X and for W1 at once gives Σ_A H[B, A]·V_A for B = X, W1 (never the Hessian)
        Map<String, Integer> size = Map.of("X", 24, "W1", 20);
        Map<String, double[]> v = new java.util.HashMap<>();
        List<String> hvp = new ArrayList<>(args.subList(0, args.indexOf("--wrt")));
        hvp.set(0, "hvp");
        for (String a : List.of("X", "W1")) {
            DMatrixRMaj x = in.get(a);
            double[] t = GraphTesting.input("V" + a, 3, size.get(a), new java.util.Random(a.hashCode())).data;
            v.put(a, t);
            NpyWriter.write(dir.resolve("V" + a + ".npy"), new long[] {3, x.numRows, x.numCols}, t);
            hvp.addAll(List.of("--tangent", a + "=" + dir.resolve("V" + a + ".npy")));
        }
        hvp.addAll(List.of("--wrt", "X,W1", "--out", dir.resolve("hv").toString()));
        CliRunner hv = CliRunner.run(hvp.toArray(new String[0]));
        assertEquals(0, hv.code, hv.err);
        for (String b : List.of("X", "W1")) {
            double[] got = read(dir.resolve("hv").resolve(b + ".npy"));
            assertEquals(3 * size.get(b), got.length);
            for (int n = 0; n < 3; n++) {
                for (int i = 0; i < size.get(b); i++) {
                    double want = 0;
                    for (String a : List.of("X", "W1")) {
                        double[] hb = read(dir.resolve("h").resolve(b + "." + a + ".npy"));
                        for (int k = 0; k < size.get(a); k++) {
                            want += hb[i * size.get(a) + k] * v.get(a)[n * size.get(a) + k];
                        }
                    }
                    assertEquals(want, got[n * size.get(b) + i], 1e-10 * (1 + Math.abs(want)), "hvp " + b);
                }
            }
        }

        // ∂²f/∂X∂W1 is the transpose of ∂²f/∂W1∂X
        double[] xw = read(dir.resolve("h/X.W1.npy"));
        double[] wx = read(dir.resolve("h/W1.X.npy"));
        int nx = 24;
        int nw = 20;
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < nw; j++) {
                assertEquals(xw[i * nw + j], wx[j * nx + i], 1e-12 * (1 + Math.abs(xw[i * nw + j])));
            }
        }
    }

    /** The values (data.npy) of a CSR .npz, in its order. */
    static double[] csrData(Path npz) throws IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(npz.toFile())) {
            byte[] b = z.getInputStream(z.getEntry("data.npy")).readAllBytes();
            int header = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
            java.nio.DoubleBuffer d = java.nio.ByteBuffer.wrap(b, header, b.length - header)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer();
            double[] v = new double[d.remaining()];
            d.get(v);
            return v;
        }
    }

    /**
     * A diagonal block read from star-coloured sweeps: f = sum(X * (X @ E)) has H = I ⊗ (E + Eᵀ)ᵀ (row-major), one
     * dense l×l block per row of X; blocks of 24 rows each hold all l colours, so distance-2 seeding sweeps l per
     * block, the star colouring l in all. Dense and CSR equal the closed form and the distance-2 run; the plan line
     * gives both colourings. The CSR run's tasks are Spark's (B broadcast), the others' driver threads.
     */
    @Test
    void aSymmetricBlockIsReadFromStarColouredSweeps() throws IOException {
        int k = 12;
        int l = 8;
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(5, "X:" + k + "x" + l, "E:" + l + "x" + l);
        String f = "sum(X * (X @ E)) + sum(square(E))";
        DMatrixRMaj e = in.get("E");
        double[] want = new double[k * l * k * l];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < l; j++) {
                for (int s = 0; s < l; s++) {
                    want[(i * l + j) * k * l + i * l + s] = e.get(s, j) + e.get(j, s);
                }
            }
        }
        Map<String, double[]> got = new java.util.HashMap<>();
        for (String colouring : List.of("auto", "distance-2")) {
            for (String format : List.of("npy", "csr")) {
                Path out = dir.resolve(colouring + "-" + format);
                List<String> args = new ArrayList<>(List.of("hessian", "--master", "local[2]", "-v", "--expr", f));
                args.addAll(CliRunner.inputs(dir, in));
                args.addAll(List.of("--wrt", "X,E", "--out", out.toString(), "--rows-per-task", "24"));
                args.addAll(List.of("--colouring", colouring, "--format", format));
                if (colouring.equals("auto") && format.equals("csr")) {
                    // the colours' sweeps and the blocks as Spark tasks (the broadcast carries B)
                    args.addAll(List.of("--conf", "spark.adjoint.driverTasks=never"));
                }
                CliRunner r = CliRunner.run(args.toArray(new String[0]));
                assertEquals(0, r.code, r.err);
                String plan = r.err.lines()
                        .filter(x -> x.contains("d/dX: pattern") && x.contains(k * l + " rows"))
                        .findFirst()
                        .orElse("");
                if (colouring.equals("auto")) {
                    assertTrue(
                            plan.contains("star colouring " + l + " colours, distance-2 colouring " + l + " colours")
                                    && plan.contains("star seeding: " + l + " sweeps over all rows (distance-2"
                                            + " seeding: " + (k * l / 24) * l + " over these blocks)"),
                            r.err);
                } else {
                    assertFalse(plan.contains("star"), plan);
                }
                for (String b : List.of("X.X", "X.E", "E.X", "E.E")) {
                    got.put(
                            colouring + "-" + format + "-" + b,
                            format.equals("npy") ? read(out.resolve(b + ".npy")) : csrData(out.resolve(b + ".npz")));
                }
            }
        }
        double[] xx = got.get("auto-npy-X.X");
        for (int t = 0; t < want.length; t++) {
            assertEquals(want[t], xx[t], 1e-12 * (1 + Math.abs(want[t])), "X.X entry " + t);
        }
        for (String format : List.of("npy", "csr")) {
            for (String b : List.of("X.X", "X.E", "E.X", "E.E")) {
                double[] star = got.get("auto-" + format + "-" + b);
                double[] d2 = got.get("distance-2-" + format + "-" + b);
                assertEquals(d2.length, star.length, b);
                for (int t = 0; t < d2.length; t++) {
                    assertEquals(d2[t], star[t], 1e-12 * (1 + Math.abs(d2[t])), format + " " + b + " entry " + t);
                }
            }
        }
    }

    /**
     * Every op's second derivatives against PyTorch: Hessians made by {@code torch.autograd.functional.hessian} in
     * float64 ({@code src/test/resources/torch-hessians/make_torch_hessians.py}, torch 1.13) for eight expressions
     * that together use every built-in op, several --wrt at once and the cotangent form; every block equal to
     * 1e-10 of its largest entry.
     */
    @Test
    void everyHessianEqualsPyTorchs() throws IOException {
        Path fixtures = Path.of(System.getProperty("user.dir"), "src/test/resources/torch-hessians");
        for (String line : java.nio.file.Files.readAllLines(fixtures.resolve("cases.txt"))) {
            String[] c = line.split("\\|", -1);
            String name = c[0].trim();
            List<String> wrt = List.of(c[2].trim().split(","));
            List<String> args =
                    new ArrayList<>(List.of("hessian", "--master", "local[2]", "--quiet", "--expr", c[1].trim()));
            for (String spec : c[3].trim().split(" ")) {
                String input = spec.substring(0, spec.indexOf(':'));
                args.addAll(List.of("--input", input + "=" + fixtures.resolve(name + "." + input + ".npy")));
            }
            if (c.length > 4) {
                args.addAll(
                        List.of("--cotangent", fixtures.resolve(name + ".G.npy").toString()));
            }
            args.addAll(List.of(
                    "--wrt", String.join(",", wrt), "--out", dir.resolve(name).toString()));
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, r.code, name + ": " + r.err);
            for (String a : wrt) {
                for (String b : wrt) {
                    Path want = fixtures.resolve(name + ".H." + a + "." + b + ".npy");
                    Path got = dir.resolve(name).resolve(a + "." + b + ".npy");
                    assertSameArray(want, got, name + " " + a + "." + b);
                }
            }
        }
    }

    @Test
    void aPrintedGradientParsesBackAndItsValueIsTheVjp() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(3, "W:3x4", "X:4x5", "b:3x1");
        List<String> inputs = CliRunner.inputs(dir, in);
        DMatrixRMaj gbar = GraphTesting.input("G", 3, 5, new java.util.Random(9));
        NpyWriter.write(dir.resolve("G.npy"), new long[] {3, 5}, gbar.data);
        List<String> common = new ArrayList<>(List.of("--expr", "softmax(tanh(W @ X + b), 1)"));
        common.addAll(inputs);
        common.addAll(
                List.of("--wrt", "X,W,b", "--cotangent", dir.resolve("G.npy").toString()));

        List<String> print = new ArrayList<>(List.of("grad"));
        print.addAll(common);
        print.add("--print");
        CliRunner p = CliRunner.run(print.toArray(new String[0]));
        assertEquals(0, p.code, p.err);
        String[] lines = p.out.strip().split("\n", -1);
        assertEquals(3, lines.length, p.out);
        for (int i = 0; i < 3; i++) {
            String name = List.of("X", "W", "b").get(i);
            assertTrue(lines[i].startsWith(name + ": "), lines[i]);
            Parser.parse(lines[i].substring(name.length() + 2)); // the language's own syntax
            assertTrue(lines[i].contains("G"), "the cotangent is the input G: " + lines[i]);
        }

        // --print reads headers only: a 20000 × 20000 input (3.2 GB, a sparse file here; reading it would not fit the
        // tests' 2 GiB heap) prints its gradient
        Path bigFile = dir.resolve("Big.npy");
        byte[] header = NpyWriter.header(new long[] {20000, 20000});
        java.nio.file.Files.write(bigFile, header);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(bigFile.toFile(), "rw")) {
            raf.setLength(header.length + 8L * 20000 * 20000);
        }
        CliRunner big = CliRunner.run(
                "grad", "--expr", "sum(tanh(Big) * Big)", "--input", "Big=" + bigFile, "--wrt", "Big", "--print");
        assertEquals(0, big.code, big.err);
        assertTrue(big.out.startsWith("Big: "), big.out);
        Parser.parse(big.out.strip().substring(5));

        List<String> eval = new ArrayList<>(List.of("grad"));
        eval.addAll(common);
        eval.addAll(List.of("--out", dir.resolve("g").toString(), "--master", "local[2]"));
        CliRunner e = CliRunner.run(eval.toArray(new String[0]));
        assertEquals(0, e.code, e.err);
        List<String> vjp = new ArrayList<>(List.of("vjp", "--master", "local[2]", "--quiet"));
        vjp.addAll(common);
        vjp.addAll(List.of("--out", dir.resolve("v").toString()));
        CliRunner v = CliRunner.run(vjp.toArray(new String[0]));
        assertEquals(0, v.code, v.err);
        for (String name : List.of("X", "W", "b")) {
            double[] got = read(dir.resolve("g").resolve(name + ".npy"));
            double[] want = read(dir.resolve("v").resolve(name + ".npy"));
            assertEquals(want.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 1e-12 * (1 + Math.abs(want[i])), name + " @" + i);
            }
        }
    }

    /**
     * gradcheck --order 2 catches an op whose symbolic VJP rule is wrong while its local Jacobian is right
     * ({@code wrong_rule}: sin with the rule Ȳ ⊙ cos(2A)) in full and in probe mode, and passes the same expression
     * with sin; a report per --wrt input, and nothing left of the work folder.
     */
    @Test
    void secondOrderGradcheckCatchesAWrongRuleInBothModes() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(12, "W:4x4", "X:4x4");
        List<String> inputs = CliRunner.inputs(dir, in);
        for (String mode : List.of("full", "probe")) {
            for (String op : List.of("sin", "wrong_rule")) {
                Path report = dir.resolve(mode + "-" + op);
                List<String> a = new ArrayList<>(
                        List.of("gradcheck", "--order", "2", "--master", "local[2]", "--mode", mode, "--quiet"));
                a.addAll(List.of("--expr", "sum(" + op + "(W @ X) * W)"));
                a.addAll(inputs);
                a.addAll(List.of("--wrt", "X,W", "--report", report.toString()));
                CliRunner r = CliRunner.run(a.toArray(new String[0]));
                String[] verdicts = r.out.strip().split("\n", -1);
                assertEquals(2, verdicts.length, r.out + r.err);
                assertTrue(verdicts[0].startsWith("∇X: ") && verdicts[1].startsWith("∇W: "), r.out);
                if (op.equals("sin")) {
                    assertEquals(0, r.code, mode + " " + op + ": " + r.out + r.err);
                    assertTrue(verdicts[0].startsWith("∇X: PASS"), r.out);
                } else {
                    assertEquals(1, r.code, mode + " " + op + ": " + r.out + r.err);
                    assertTrue(r.out.contains("FAIL"), r.out);
                }
                assertEquals(List.of("grad_W", "grad_X"), CliRunner.listing(report));
                assertTrue(java.nio.file.Files.exists(report.resolve("grad_X/report.json")));
                assertTrue(
                        CliRunner.listing(dir).stream().noneMatch(f -> f.contains("adjoint-order2-work")),
                        "no work folder left: " + CliRunner.listing(dir));
            }
        }
    }

    /** A non-scalar f without --cotangent: its second derivatives checked for a random G, said in one line. */
    @Test
    void secondOrderGradcheckOfANonScalarDrawsTheCotangent() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(13, "W:3x4", "X:4x2");
        for (String op : List.of("tanh", "wrong_rule")) {
            List<String> a = new ArrayList<>(List.of("gradcheck", "--order", "2", "--master", "local[2]"));
            a.addAll(List.of("--expr", op + "(W @ X)"));
            a.addAll(CliRunner.inputs(dir, in));
            a.addAll(List.of(
                    "--wrt", "X", "--report", dir.resolve("nonscalar-" + op).toString()));
            CliRunner r = CliRunner.run(a.toArray(new String[0]));
            assertEquals(op.equals("tanh") ? 0 : 1, r.code, r.out + r.err);
            assertTrue(
                    r.err.contains("not a scalar: checking the second derivatives of sum(G * f) for a G drawn at"
                            + " random (standard normal, --seed 1"),
                    r.err);
        }
    }

    @Test
    void refusalsAreOneLine() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(5, "W:3x4", "X:4x2");
        List<String> inputs = CliRunner.inputs(dir, in);
        String[][] cases = {
            {"grad", "W @ X", "--print", "'W @ X' is (3, 2), not a scalar: give --cotangent G.npy"},
            {"hessian", "W @ X", "--out", "'W @ X' is (3, 2), not a scalar"},
            {"hessian", "sum(cube(X))", "--out", "second order needs the symbolic VJP rule of 'cube'"},
            {"grad", "sum(X)", null, "give --print (the gradients as expressions) or --out DIR"},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of(c[0], "--expr", c[1]));
            a.addAll(inputs);
            a.addAll(List.of("--wrt", "X"));
            if ("--out".equals(c[2])) {
                a.addAll(List.of("--out", dir.resolve("never").toString()));
            } else if (c[2] != null) {
                a.add(c[2]);
            }
            CliRunner r = CliRunner.run(a.toArray(new String[0]));
            assertEquals(2, r.code, String.join(" ", a) + ": " + r.err);
            assertEquals(1, r.err.strip().split("\n", -1).length, r.err);
            assertTrue(r.err.contains(c[3]), r.err);
            assertFalse(java.nio.file.Files.exists(dir.resolve("never")), "nothing written");
        }
    }
}
