package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --format} of the commands that write Jacobians ({@code jacobian}, {@code hessian}): for all, or per input. */
final class FormatOption {
    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            split = ",",
            description = {
                "npy (default): the dense float64 array, e.g. DIR/NAME.npy of shape (p, q, k, l).",
                "csr: a .npz instead, the (p·q) × (k·l) matricization in CSR, one stored entry",
                "  per structural non-zero: scipy.sparse.load_npz('DIR/NAME.npz');",
                "  .toarray().reshape(p, q, k, l) equals the npy result.",
                "auto: csr where its file is smaller than the dense one (by the pattern's count).",
                "Per input: --format X=csr,W=npy (names from --wrt; others take the plain",
                "  FORMAT given, else npy). A csr result larger than its dense form is warned of."
            })
    List<String> items = new ArrayList<>();

    /**
     * The items into {@code req}: {@code FORMAT} for every input, {@code NAME=FORMAT} for one; a format is npy, csr or
     * auto, in any case.
     */
    void fill(JacobianRequest req) {
        for (String item : items) {
            int eq = item.indexOf('=');
            String name = eq < 0 ? null : item.substring(0, eq).trim();
            JacobianRequest.Format f = formatOf(item, eq < 0 ? item : item.substring(eq + 1));
            if (name == null) {
                req.format = f;
            } else if (req.formats.put(name, f) != null) {
                throw new InvalidInputException("--format " + item + ": " + name + " is given a format twice");
            }
        }
    }

    private static JacobianRequest.Format formatOf(String item, String v) {
        try {
            return JacobianRequest.Format.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--format " + item + ": '" + v.trim()
                    + "' is not a format (npy, csr, auto; per input NAME=FORMAT)");
        }
    }
}
