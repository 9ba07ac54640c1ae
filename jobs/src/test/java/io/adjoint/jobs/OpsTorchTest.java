package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops of the language against PyTorch: Jacobians made by {@code torch.autograd.functional.jacobian} in float64
 * ({@code src/test/resources/torch-ops/make_torch_ops.py}, torch 1.13) for thirteen expressions that together use every
 * op added with slicing, linear algebra and the reductions — among them a Gaussian process's negative log marginal
 * likelihood (RBF kernel built in the language, solve and logdet) and two attention heads sliced out of the weights
 * and concatenated. Every `adjoint jacobian` result equals the fixture to 1e-10 of its largest entry.
 */
class OpsTorchTest {
    @TempDir
    Path dir;

    @Test
    void everyJacobianEqualsPyTorchs() throws IOException {
        Path fixtures = Path.of(System.getProperty("user.dir"), "src/test/resources/torch-ops");
        List<String> lines = Files.readAllLines(fixtures.resolve("cases.txt"));
        assertEquals(13, lines.size(), "cases");
        for (String line : lines) {
            String[] c = line.split("\\|", -1);
            String name = c[0].trim();
            List<String> wrt = List.of(c[2].trim().split(","));
            List<String> args =
                    new ArrayList<>(List.of("jacobian", "--master", "local[2]", "--quiet", "--expr", c[1].trim()));
            for (String spec : c[3].trim().split(" ")) {
                String input = spec.substring(0, spec.indexOf(':'));
                args.addAll(List.of("--input", input + "=" + fixtures.resolve(name + "." + input + ".npy")));
            }
            args.addAll(List.of(
                    "--wrt", String.join(",", wrt), "--out", dir.resolve(name).toString()));
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, r.code, name + ": " + r.err);
            for (String x : wrt) {
                Path want = fixtures.resolve(name + ".J." + x + ".npy");
                Path got = dir.resolve(name).resolve(x + ".npy");
                // a 1×1 output keeps its axes, in torch's result as in ours
                SecondOrderCliTest.assertSameArray(want, got, name + " d/d" + x);
            }
        }
    }
}
