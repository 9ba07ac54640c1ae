package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against {@code numpy.tensordot(A, J, axes=2)} summed over pairs, on shapes NumPy draws from a
 * seed (not chosen here), in several dtypes and orders, to rtol 1e-9; half the seeds run the streamed plan (asked
 * for, or forced by a one-byte broadcast budget). Needs python3 with NumPy
 * ({@code $ADJOINT_PYTHON}, default {@code python3}; {@code .ci/run} installs it); fails, never skips, without it.
 */
class NumpyCrossCheckTest {
    @TempDir
    Path dir;

    static final String MAKE = String.join(
            "\n",
            "import numpy as np, sys, json",
            "rng = np.random.default_rng(int(sys.argv[1]))",
            "p, q, k, l = (int(x) for x in rng.integers(1, 9, size=4))",
            "pairs = int(rng.integers(1, 4))",
            "G = np.zeros((p, q, k, l))",
            "dtypes = ['<f8', '>f8', '<f4', '<i4', '<i8']",
            "files = []",
            "for t in range(pairs):",
            "    n, m = (int(x) for x in rng.integers(1, 7, size=2))",
            "    A = rng.standard_normal((p, q, n, m))",
            "    J = rng.standard_normal((n, m, k, l))",
            "    dt = dtypes[int(rng.integers(len(dtypes)))]",
            "    if dt[1] == 'i': A = np.round(A * 100)",
            "    A = A.astype(dt)",
            "    if rng.random() < 0.5: A = np.asfortranarray(A)",
            "    np.save('A%d.npy' % t, A); np.save('J%d.npy' % t, J)",
            "    G += np.tensordot(A.astype(np.float64), J, axes=2)",
            "    files.append(('A%d.npy' % t, 'J%d.npy' % t))",
            "np.save('expected.npy', G)",
            "print(json.dumps(files))");

    static final String CHECK = String.join(
            "\n",
            "import numpy as np",
            "G = np.load('G.npy'); E = np.load('expected.npy')",
            "assert G.dtype == np.float64 and G.flags.c_contiguous, G.dtype",
            "assert G.shape == E.shape, (G.shape, E.shape)",
            "np.testing.assert_allclose(G, E, rtol=1e-9, atol=1e-12)",
            "print('ok', G.shape)");

    String python(String script, String... args) throws IOException, InterruptedException {
        String py = System.getenv().getOrDefault("ADJOINT_PYTHON", "python3");
        List<String> cmd = new ArrayList<>(List.of(py, "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "python3 with NumPy is required (.ci/run installs it): " + out);
        return out.strip();
    }

    @Test
    void equalsNumpyTensordotOnShapesNumpyChooses() throws Exception {
        for (int seed = 100; seed < 106; seed++) {
            for (Path f : CliRunner.listing(dir).stream().map(dir::resolve).toArray(Path[]::new)) {
                Files.delete(f);
            }
            String json = python(MAKE, Integer.toString(seed));
            List<String> args = new ArrayList<>(List.of(
                    "contract",
                    "--master",
                    "local[2]",
                    "--quiet",
                    "--out",
                    dir.resolve("G.npy").toString()));
            for (String[] pair : parsePairs(json)) {
                args.addAll(List.of(
                        "--adjoint",
                        dir.resolve(pair[0]).toString(),
                        "--jacobian",
                        dir.resolve(pair[1]).toString()));
            }
            if (seed % 2 == 0) {
                args.addAll(List.of("--rows-per-task", Integer.toString(1 + seed % 5)));
            } else if (seed % 4 == 1) {
                args.addAll(List.of("--broadcast-budget", "1")); // every J is over it: auto streams J
            } else {
                args.addAll(List.of("--plan", "streamed"));
            }
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, r.code, "seed " + seed + ": " + r.err);
            String check = python(CHECK);
            assertEquals(true, check.startsWith("ok"), "seed " + seed + ": " + check);
        }
    }

    /** Parses [["A0.npy", "J0.npy"], ...] without a JSON library. */
    static List<String[]> parsePairs(String json) {
        List<String[]> out = new ArrayList<>();
        String[] names = json.replaceAll("[\\[\\]\" ]", "").split(",");
        for (int i = 0; i + 1 < names.length; i += 2) {
            out.add(new String[] {names[i], names[i + 1]});
        }
        return out;
    }
}
