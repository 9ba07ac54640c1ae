package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs python3 with NumPy and SciPy ({@code $ADJOINT_PYTHON}, default python3); a missing module fails the test, never
 * skips it.
 */
final class PythonScripts {
    private PythonScripts() {}

    static String run(Path workDir, List<String> args) throws IOException, InterruptedException {
        String py = System.getenv().getOrDefault("ADJOINT_PYTHON", "python3");
        List<String> cmd = new ArrayList<>(List.of(py));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "python3 with NumPy and SciPy is required (.ci/run installs them): " + out);
        return out.strip();
    }

    /** Copies a script from the test resources into {@code dir}. */
    static Path script(Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = PythonScripts.class.getResourceAsStream("/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }
}
