package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of the form {@code NAME=PATH} ({@code --input}, gradcheck's {@code --jacobian}), parsed in one place. */
final class NamedPaths {
    private NamedPaths() {}

    /**
     * Splits each {@code NAME=PATH} at its first {@code =}, in order.
     *
     * @param option the option's name, for messages
     * @param example what PATH looks like, for messages (e.g. {@code PATH.npy})
     * @throws InvalidInputException for a value without a name or a path, or a name given twice
     */
    static Map<String, String> parse(String option, List<String> values, String example) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new InvalidInputException(option + " " + v + ": expected NAME=" + example);
            }
            String name = v.substring(0, eq).trim();
            if (out.put(name, v.substring(eq + 1).trim()) != null) {
                throw new InvalidInputException(option + " " + name + ": given twice");
            }
        }
        return out;
    }
}
