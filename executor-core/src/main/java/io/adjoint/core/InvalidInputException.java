package io.adjoint.core;

/**
 * A mistake in what the user gave us: a bad file, a shape that does not fit, an argument out of range.
 *
 * <p>The message is one line that names the argument or file and says what is wrong; the CLI prints it
 * as is and exits with code 2. Anything else thrown is an internal failure (exit code 3).
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
