package io.vectorsink.error;

import java.util.List;

/** Something the user must fix: the configuration, the catalog, credentials or the shape of the data. */
public final class ConfigException extends ConnectorException {
    private final List<String> problems;

    public ConfigException(String message) {
        this(List.of(message), null);
    }

    public ConfigException(String message, Throwable cause) {
        this(List.of(message), cause);
    }

    /** All problems found at once, so the user can fix them in one go. */
    public ConfigException(List<String> problems, Throwable cause) {
        super(String.join("; ", problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    @Override
    public String failureType() {
        return "config_error";
    }
}
