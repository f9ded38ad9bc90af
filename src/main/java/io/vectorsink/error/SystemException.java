package io.vectorsink.error;

/** A fault of the connector or an unexpected answer from a peer (malformed response, broken invariant). */
public final class SystemException extends ConnectorException {
    public SystemException(String message, Throwable cause) {
        super(message, cause);
    }

    public SystemException(String message) {
        super(message, null);
    }

    @Override
    public String failureType() {
        return "system_error";
    }
}
