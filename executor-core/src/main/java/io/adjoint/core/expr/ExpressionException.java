package io.adjoint.core.expr;

import io.adjoint.core.InvalidInputException;

/** A mistake in an expression: syntax, an unknown name, or shapes that do not fit. Exit code 2 in the CLI. */
public class ExpressionException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** The name of the undefined input this error is about, or null. */
    private final String undefinedInput;

    public ExpressionException(String message) {
        this(message, null);
    }

    /** An error about input {@code undefinedInput}, which the expression uses but no input provides. */
    public ExpressionException(String message, String undefinedInput) {
        super(message);
        this.undefinedInput = undefinedInput;
    }

    /** The name of the undefined input this error is about, or null. */
    public String undefinedInput() {
        return undefinedInput;
    }
}
