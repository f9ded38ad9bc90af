package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * The only writer of stdout. Every line is one AirbyteMessage; writes are serialised so that lines from
 * different threads never interleave, and flushed so that Airbyte sees a STATE as soon as it is released.
 */
public final class OutputWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Writer out;
    private final Clock clock;
    private final UnaryOperator<String> redactor;
    private volatile boolean closed;

    /**
     * @param redactor applied to every log and error text before it is written, so that configured
     *     secrets never reach the output
     */
    public OutputWriter(Writer out, Clock clock, UnaryOperator<String> redactor) {
        this.out = out;
        this.clock = clock;
        this.redactor = redactor;
    }

    public void spec(JsonNode spec) {
        ObjectNode message = message("SPEC");
        message.set("spec", spec);
        write(message);
    }

    public void connectionStatus(boolean succeeded, String text) {
        ObjectNode message = message("CONNECTION_STATUS");
        ObjectNode status = message.putObject("connectionStatus");
        status.put("status", succeeded ? "SUCCEEDED" : "FAILED");
        if (text != null) {
            status.put("message", redactor.apply(text));
        }
        write(message);
    }

    /**
     * Echoes a state exactly as it came, byte for byte, with only {@code destinationStats.recordCount}
     * written into it.
     */
    public void state(StateText state, long recordCount) {
        // Written in pieces: a state of 60 MB is not copied into a line first.
        StateText.Echo echo = state.echo(recordCount);
        writeLine(out -> {
            out.write("{\"type\":\"STATE\",\"state\":");
            echo.writeTo(out);
            out.write('}');
        });
    }

    public void log(String level, String text) {
        ObjectNode message = message("LOG");
        ObjectNode log = message.putObject("log");
        log.put("level", level);
        log.put("message", redactor.apply(text));
        write(message);
    }

    public void info(String text) {
        log("INFO", text);
    }

    public void warn(String text) {
        log("WARN", text);
    }

    /** The TRACE error that precedes exit code 1. */
    public void error(ConnectorException error) {
        ObjectNode message = message("TRACE");
        ObjectNode trace = message.putObject("trace");
        trace.put("type", "ERROR");
        trace.put("emitted_at", (double) clock.millis());
        ObjectNode body = trace.putObject("error");
        body.put("message", redactor.apply(error.getMessage()));
        body.put("internal_message", redactor.apply(internalMessage(error)));
        body.put("stack_trace", redactor.apply(stackTrace(error)));
        body.put("failure_type", error.failureType());
        error.streamName().ifPresent(name -> {
            ObjectNode stream = body.putObject("stream_descriptor");
            stream.put("name", name);
            error.streamNamespace().ifPresent(namespace -> stream.put("namespace", namespace));
        });
        write(message);
    }

    private static String internalMessage(Throwable error) {
        StringBuilder text = new StringBuilder(error.getClass().getSimpleName());
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            // Exception types only: a cause's message may quote a response body or a record.
            text.append(" <- ").append(cause.getClass().getName());
        }
        return text.toString();
    }

    /**
     * A stack trace in which only the connector's own (safe) message appears; causes are named by
     * type, because a library's message may quote a response body, a record or a URL with a key.
     */
    private static String stackTrace(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t == error ? "" : "Caused by: ").append(t.getClass().getName());
            if (t instanceof ConnectorException) {
                text.append(": ").append(t.getMessage());
            }
            text.append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                text.append("\tat ").append(frame).append('\n');
            }
        }
        return text.toString();
    }

    private ObjectNode message(String type) {
        ObjectNode message = NODES.objectNode();
        message.put("type", type);
        return message;
    }

    /**
     * Whether a write to stdout failed (the reader closed the pipe): from then on nothing reaches Airbyte,
     * so the failure can only be reported on stderr.
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Writes no further line: for a JVM shutting down on a signal, so that no STATE starts after the notice
     * that says none will. Not synchronized: a line blocked on a full pipe must not hold up the shutdown.
     */
    public void stop() {
        closed = true;
    }

    private void write(ObjectNode message) {
        String line;
        try {
            line = Json.MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an output message", e);
        }
        writeLine(out -> out.write(line));
    }

    /** Writes the text of one line to stdout. */
    private interface LineText {
        void writeTo(Writer out) throws IOException;
    }

    /**
     * Writes one message line and flushes it. A failed write is never ignored: a STATE that did not reach
     * the reader is a checkpoint Airbyte never got, so the command must fail.
     */
    private synchronized void writeLine(LineText line) {
        if (closed) {
            throw closedError(null);
        }
        try {
            line.writeTo(out);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            closed = true;
            throw closedError(e);
        }
    }

    private static SystemException closedError(IOException cause) {
        return new SystemException(
                "Standard output is closed (its reader went away), so messages such as STATE can no longer be"
                        + " delivered",
                cause);
    }
}
