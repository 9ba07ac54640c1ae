package io.adjoint.jobs;

import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that name an expression and its inputs (every command that evaluates one). */
final class InputOptions {
    @Option(names = "--expr", paramLabel = "EXPR", required = true, description = "The expression, quoted.")
    String expr;

    @Option(
            names = "--input",
            paramLabel = "NAME=PATH",
            required = true,
            description = "A 2-D .npy input (any dtype the reader accepts); repeat for each.")
    List<String> inputs = new ArrayList<>();

    /** Maps the options into {@code req}: the expression and the NAME=PATH inputs. */
    void fill(JacobianRequest req) {
        req.expr(expr);
        req.inputs.putAll(NamedPaths.parse("--input", inputs, "PATH.npy"));
    }
}
