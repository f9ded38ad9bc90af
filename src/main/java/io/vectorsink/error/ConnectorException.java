package io.vectorsink.error;

import java.util.Optional;

/**
 * The root of every failure the connector reports to Airbyte. Each subclass maps to one Airbyte
 * {@code failure_type}; the message is user-facing and must never contain record content or secrets.
 */
public abstract sealed class ConnectorException extends RuntimeException
        permits ConfigException, TransientException, SystemException {

    /** The stream the failure belongs to, as Airbyte's descriptor parts; set at most once. */
    private volatile String streamNamespace;

    private volatile String streamName;

    protected ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The Airbyte TRACE {@code failure_type}: config_error, transient_error or system_error. */
    public abstract String failureType();

    /**
     * Marks the failure as belonging to one stream, so that its TRACE error carries the stream's
     * descriptor and Airbyte can point at that stream. The first stream given wins: the code closest to the
     * failure knows best.
     *
     * @param namespace the stream's namespace, or {@code null} for none
     * @return this exception, to be thrown
     */
    public synchronized ConnectorException inStream(String namespace, String name) {
        if (streamName == null) {
            streamNamespace = namespace;
            streamName = name;
        }
        return this;
    }

    /** The name of the stream the failure belongs to, if it belongs to one. */
    public Optional<String> streamName() {
        return Optional.ofNullable(streamName);
    }

    /** The namespace of that stream, if it belongs to one and the stream has a namespace. */
    public Optional<String> streamNamespace() {
        return streamName == null ? Optional.empty() : Optional.ofNullable(streamNamespace);
    }
}
