package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adjoint jacobian} against an independent float64 reference on expressions nobody wrote: NumPy draws
 * random expressions over the whole language (random_expressions.py) and computes their Jacobians by the
 * complex-step method; every input is differentiated; rtol 1e-9, atol 1e-12. The same with {@code --format csr}:
 * SciPy's {@code load_npz} reads each result, equal to the reference and to the .npy bit for bit, and no non-zero
 * of the .npy lies outside the stored entries.
 */
class JacobianNumpyCrossCheckTest {
    @TempDir
    Path dir;

    @Test
    void matchesComplexStepJacobiansOfRandomExpressions() throws Exception {
        Path script = PythonScripts.script(dir, "random_expressions.py");
        for (int seed = 1; seed <= 12; seed++) {
            Path c = Files.createDirectory(dir.resolve("case" + seed));
            String json = PythonScripts.run(c, List.of(script.toString(), "make", Integer.toString(seed), "."));
            String expr = json.replaceAll("^.*\"expr\": \"(.*?)\", \"inputs\".*$", "$1");
            String[] inputs = json.replaceAll("^.*\"inputs\": \\[(.*)\\]}$", "$1")
                    .replace("\"", "")
                    .split(", ");
            List<String> args = new ArrayList<>(List.of(
                    "jacobian",
                    "--master",
                    "local[2]",
                    "--quiet",
                    "--expr",
                    expr,
                    "--wrt",
                    String.join(",", inputs),
                    "--out",
                    c.resolve("out").toString(),
                    "--rows-per-task",
                    Integer.toString(1 + seed % 3)));
            for (String in : inputs) {
                args.add("--input");
                args.add(in + "=" + c.resolve(in + ".npy"));
            }
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, r.code, "seed " + seed + " " + expr + ": " + r.err);
            String check = PythonScripts.run(c, List.of(script.toString(), "check", ".", "out"));
            assertTrue(check.startsWith("ok"), check);
            int at = args.indexOf("--out");
            args.set(at + 1, c.resolve("csr").toString());
            args.addAll(List.of("--format", "csr"));
            CliRunner csr = CliRunner.run(args.toArray(new String[0]));
            assertEquals(0, csr.code, "seed " + seed + " " + expr + " --format csr: " + csr.err);
            String checkCsr = PythonScripts.run(c, List.of(script.toString(), "check-csr", ".", "csr", "out"));
            assertTrue(checkCsr.startsWith("ok"), checkCsr);
        }
    }
}
