package io.adjoint.jobs;

import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that name an expression, its inputs and what to differentiate ({@code jacobian}, {@code gradcheck},
 * {@code vjp}).
 */
final class ExpressionOptions {
    @Mixin
    InputOptions input;

    @Option(
            names = "--wrt",
            paramLabel = "NAME",
            split = ",",
            required = true,
            description = "Input(s) to differentiate with respect to, comma-separated.")
    List<String> wrt = new ArrayList<>();

    /** Maps the options into {@code req}: the expression, the NAME=PATH inputs, the wrt names (blanks and repeats dropped). */
    void fill(JacobianRequest req) {
        input.fill(req);
        wrt.stream().map(String::trim).filter(w -> !w.isEmpty()).distinct().forEach(req.wrt::add);
    }
}
