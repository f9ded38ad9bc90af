package io.vectorsink.error;

/**
 * The root of every failure the connector reports to Airbyte. Each subclass maps to one Airbyte
 * {@code failure_type}; the message is user-facing and must never contain record content or secrets.
 */
public abstract sealed class ConnectorException extends RuntimeException
        permits ConfigException, TransientException, SystemException {

    protected ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The Airbyte TRACE {@code failure_type}: config_error, transient_error or system_error. */
    public abstract String failureType();
}
