package io.adjoint.core.expr;

import io.adjoint.core.InvalidInputException;

/** A mistake in an expression: syntax, an unknown name, or shapes that do not fit. Exit code 2 in the CLI. */
public class ExpressionException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public ExpressionException(String message) {
        super(message);
    }
}
