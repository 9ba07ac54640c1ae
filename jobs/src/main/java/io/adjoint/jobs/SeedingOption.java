package io.adjoint.jobs;

import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --seeding}, shared by jacobian and gradcheck: whether the structural pattern compresses the work. */
final class SeedingOption {
    @Option(
            names = "--seeding",
            paramLabel = "MODE",
            defaultValue = "auto",
            converter = Converter.class,
            description = {
                "auto (default): use each Jacobian's structural pattern (from the expression",
                "  alone) where it at least halves the work: jacobian sweeps rows that share no",
                "  input entry together, one seed per colour; gradcheck --mode full perturbs",
                "  input entries that affect disjoint outputs together (Curtis–Powell–Reid).",
                "  The plan lines say rows, colours and seeds.",
                "dense: one seed per row, one perturbation per entry, as without structure.",
                "compressed: compress whenever the pattern is not full."
            })
    JacobianRequest.Seeding seeding = JacobianRequest.Seeding.AUTO;

    /** auto | dense | compressed, case-insensitive. */
    static final class Converter implements ITypeConverter<JacobianRequest.Seeding> {
        @Override
        public JacobianRequest.Seeding convert(String v) {
            try {
                return JacobianRequest.Seeding.valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + v + "' is not a seeding mode (auto, dense, compressed)");
            }
        }
    }
}
