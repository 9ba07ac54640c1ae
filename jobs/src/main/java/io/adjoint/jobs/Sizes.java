package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import java.util.Locale;

/** Parses sizes such as {@code 512m}, {@code 4g}, {@code 1048576}. */
final class Sizes {
    private Sizes() {}

    static long parse(String option, String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("k")) {
            mult = 1L << 10;
        } else if (t.endsWith("m")) {
            mult = 1L << 20;
        } else if (t.endsWith("g")) {
            mult = 1L << 30;
        } else if (t.endsWith("t")) {
            mult = 1L << 40;
        }
        if (mult > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidInputException(option + " " + s + ": expected a positive size such as 512m or 4g");
        }
    }
}
