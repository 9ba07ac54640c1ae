package io.adjoint.driver.gradcheck;

import io.adjoint.core.InvalidInputException;
import java.util.Locale;

/** How a Jacobian is checked: every entry, random projections, or chosen by size; NONE for an empty Jacobian. */
public enum CheckMode {
    FULL,
    PROBE,
    AUTO,
    NONE;

    /** The name users type and reports show: {@code full}, {@code probe}, {@code auto}, {@code none}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode a user asked for.
     *
     * @throws InvalidInputException for anything but full, probe or auto
     */
    public static CheckMode parse(String s) {
        for (CheckMode m : new CheckMode[] {FULL, PROBE, AUTO}) {
            if (m.label().equalsIgnoreCase(s.trim())) { // as --seeding and --format: FULL means full
                return m;
            }
        }
        throw new InvalidInputException("--mode " + s + ": expected full, probe or auto");
    }
}
