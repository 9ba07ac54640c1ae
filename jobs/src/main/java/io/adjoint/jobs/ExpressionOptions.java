package io.adjoint.jobs;

import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that name an expression, its inputs and what to differentiate ({@code jacobian}, {@code gradcheck}). */
final class ExpressionOptions {
    @Option(names = "--expr", paramLabel = "EXPR", required = true, description = "The expression, quoted.")
    String expr;

    @Option(
            names = "--input",
            paramLabel = "NAME=PATH",
            required = true,
            description = "A 2-D .npy input (any dtype the reader accepts); repeat for each.")
    List<String> inputs = new ArrayList<>();

    @Option(
            names = "--wrt",
            paramLabel = "NAME",
            split = ",",
            required = true,
            description = "Input(s) to differentiate with respect to, comma-separated.")
    List<String> wrt = new ArrayList<>();

    /** Maps the options into {@code req}: the expression, the NAME=PATH inputs, the wrt names (blanks and repeats dropped). */
    void fill(JacobianRequest req) {
        req.expr(expr);
        req.inputs.putAll(NamedPaths.parse("--input", inputs, "PATH.npy"));
        wrt.stream().map(String::trim).filter(w -> !w.isEmpty()).distinct().forEach(req.wrt::add);
    }
}
