package io.adjoint.jobs;

import io.adjoint.core.npy.NpyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;

/** Runs the CLI in this JVM and captures its exit code, stdout and stderr. */
final class CliRunner {
    final int code;
    final String out;
    final String err;

    private CliRunner(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static CliRunner run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new CliRunner(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Writes each matrix as {@code dir/NAME.npy} and returns the {@code --input NAME=PATH} arguments for them. */
    static List<String> inputs(Path dir, Map<String, DMatrixRMaj> in) throws IOException {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".npy");
            NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            args.addAll(List.of("--input", e.getKey() + "=" + p));
        }
        return args;
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
