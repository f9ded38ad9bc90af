package io.vectorsink.error;

/** An outage that may pass: retries were exhausted on 429, 5xx, timeouts or connection resets. */
public final class TransientException extends ConnectorException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientException(String message) {
        super(message, null);
    }

    @Override
    public String failureType() {
        return "transient_error";
    }
}
