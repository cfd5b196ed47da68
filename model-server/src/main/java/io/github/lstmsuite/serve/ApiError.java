package io.github.lstmsuite.serve;

/**
 * A request the server answers with an error status and a one-line JSON body {@code {"error": "…"}}: the
 * message says what was wrong and what was expected, never a stack trace.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final Integer retryAfterSeconds;

    public ApiError(int status, String message) {
        this(status, message, null);
    }

    private ApiError(int status, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the body is not what the endpoint reads (malformed JSON, a missing field, wrong shapes). */
    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    /** 404: no such model, or the model has no such endpoint. */
    public static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    /** 413: the body is larger than {@code --max-body}. */
    public static ApiError tooLarge(String message) {
        return new ApiError(413, message);
    }

    /** 422: well-formed, but a value is out of its allowed range (a limit, an unknown character). */
    public static ApiError unprocessable(String message) {
        return new ApiError(422, message);
    }

    /** 503 with {@code Retry-After}: the model's queue is full, or the server is shutting down. */
    public static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(503, message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    /** Seconds for the {@code Retry-After} header, or {@code null}. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
