package io.github.lstmsuite.common;

/**
 * A problem the user can fix: a bad flag, a missing or malformed file, no network for a download.
 *
 * <p>The CLI prints its message as one line on stderr and exits with code 2, without a stack trace
 * (unless {@code --verbose}). Messages name the file or flag and say what was expected.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
