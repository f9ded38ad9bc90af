package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads Airbyte messages, one JSON object per line, from stdin. Blank lines are skipped. A line that
 * is not a well-formed message fails with an error that names its line number and what is wrong,
 * but never quotes the line: it may hold customer data.
 */
public final class MessageReader implements Iterator<InputMessage> {
    private final InputStream in;
    // Invalid UTF-8 must fail loudly; the JDK's default decoder would silently replace it with U+FFFD.
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer checked = CharBuffer.allocate(8192);
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[8192];
    private long lineNumber;
    private InputMessage next;

    public MessageReader(InputStream in) {
        this.in = in; // read a buffer at a time: a stream's own buffer would only add a copy
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readNext();
        }
        return next != null;
    }

    @Override
    public InputMessage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InputMessage message = next;
        next = null;
        return message;
    }

    private InputMessage readNext() {
        while (true) {
            String line;
            try {
                line = readLine();
            } catch (CharacterCodingException e) {
                throw new SystemException("Input line " + lineNumber + " is not valid UTF-8", e);
            } catch (IOException e) {
                throw new SystemException("Could not read the input after line " + lineNumber, e);
            }
            if (line == null) {
                return null;
            }
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark carries no data
            }
            if (!line.isBlank()) {
                return parse(line, lineNumber);
            }
        }
    }

    /**
     * Reads the bytes of one line and decodes them on their own, so that a decoding error names the line it is
     * in. Returns null at the end of input; a last line without a newline still counts. The input is read a
     * buffer at a time and scanned for newlines: a line inside the buffer is decoded from it directly, and
     * only a line that crosses a refill is gathered in {@link #line}.
     */
    private String readLine() throws IOException {
        int length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length == 0 ? null : text(line, 0, length);
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            if (newline >= 0 && length == 0) {
                int from = position;
                position = newline + 1;
                return text(buffer, from, newline);
            }
            length = gather(length, end);
            if (newline >= 0) {
                position = newline + 1;
                String text = text(line, 0, length);
                if (line.length > 1 << 20) {
                    line = new byte[8192]; // do not keep a huge line's buffer for the rest of the sync
                }
                return text;
            }
        }
    }

    /** Refills {@link #buffer}; false at the end of input. Returns as soon as any bytes arrived. */
    private boolean fill() throws IOException {
        int read;
        do {
            read = in.read(buffer, 0, buffer.length);
        } while (read == 0);
        position = 0;
        limit = Math.max(read, 0);
        return read > 0;
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Appends the buffer up to {@code end} to the {@code length} bytes of {@link #line} gathered so far. */
    private int gather(int length, int end) {
        int count = end - position;
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, position, line, length, count);
        position = end;
        return length + count;
    }

    /** The text of the line in {@code bytes[from, to)}, without a final carriage return. */
    private String text(byte[] bytes, int from, int to) throws CharacterCodingException {
        lineNumber++;
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return decode(bytes, from, end - from);
    }

    /**
     * The line's text. The JDK's String constructor would replace invalid UTF-8 silently, so the bytes are
     * checked first through a small buffer: decoding into a CharBuffer the size of the line would hold a 60 MB
     * line three times over (bytes, chars at two bytes each, the string).
     */
    private String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        decoder.reset();
        CoderResult result;
        do {
            checked.clear();
            result = decoder.decode(in, checked, true);
            if (result.isError()) {
                result.throwException();
            }
        } while (result.isOverflow());
        checked.clear();
        decoder.flush(checked);
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /** Parses one line; public so that tests can feed single lines. */
    public static InputMessage parse(String line, long lineNumber) {
        MessageLine parsed;
        try {
            parsed = MessageLine.read(line); // numbers keep the literal the source wrote; no tree of a state
        } catch (StreamConstraintsException e) {
            throw malformed(lineNumber, "exceeds a parser limit (" + limitName(e) + ")", e);
        } catch (JsonProcessingException e) {
            String problem = String.valueOf(e.getOriginalMessage());
            if (problem.startsWith("Duplicate field")) {
                throw malformed(lineNumber, "has an object with the same key twice", null);
            }
            if (problem.contains("surrogate") && problem.contains("field name")) {
                // Jackson accepts a lone surrogate escape in a string value but not in a field name.
                throw malformed(lineNumber, "has a field name with an unpaired UTF-16 surrogate escape", null);
            }
            var location = e.getLocation();
            String where = location == null ? "" : " at column " + location.getColumnNr();
            throw malformed(lineNumber, "is not valid JSON" + where, null);
        }
        JsonNode node = parsed.root();
        if (node == null || !node.isObject()) {
            throw malformed(lineNumber, "is not a JSON object", null);
        }
        String type = textField(node, "type", lineNumber);
        return switch (type) {
            case "RECORD" -> record(object(node, "record", lineNumber), lineNumber);
            case "STATE" -> state(object(node, "state", lineNumber), lineNumber, line, parsed);
            case "TRACE" -> trace(object(node, "trace", lineNumber), lineNumber);
            default -> new InputMessage.Ignored(lineNumber, type);
        };
    }

    /** A malformed record is its stream's failure: the source wrote it for that stream. */
    private static InputMessage record(ObjectNode record, long line) {
        String stream = textField(record, "stream", line);
        String namespace = optionalText(record, "namespace", line);
        JsonNode data = record.get("data");
        if (data == null || !data.isObject()) {
            throw malformed(line, "is a RECORD whose 'data' is not an object", null)
                    .inStream(namespace, stream);
        }
        JsonNode emittedAt = record.get("emitted_at");
        if (emittedAt == null || !emittedAt.isNumber() || !emittedAt.canConvertToLong()) {
            throw malformed(line, "is a RECORD whose 'emitted_at' is not an integer", null)
                    .inStream(namespace, stream);
        }
        JsonNode meta = record.get("meta");
        if (meta != null && !meta.isObject() && !meta.isNull()) {
            throw malformed(line, "is a RECORD whose 'meta' is not an object", null)
                    .inStream(namespace, stream);
        }
        return new InputMessage.Record(
                line,
                new StreamId(namespace, stream),
                (ObjectNode) data,
                emittedAt.asLong(),
                meta == null || meta.isNull() ? null : meta);
    }

    private static InputMessage state(ObjectNode state, long line, String text, MessageLine parsed) {
        JsonNode typeNode = state.get("type");
        InputMessage.StateType type;
        if (typeNode == null || typeNode.isNull()) {
            // Protocol: a state without a type is LEGACY and carries its blob in 'data'.
            type = InputMessage.StateType.LEGACY;
        } else if (!typeNode.isTextual()) {
            throw malformed(line, "is a STATE whose 'type' is not a string", null);
        } else {
            try {
                type = InputMessage.StateType.valueOf(typeNode.asText());
            } catch (IllegalArgumentException e) {
                throw malformed(line, "is a STATE of unknown type (expected STREAM, GLOBAL or LEGACY)", null);
            }
        }
        StreamId stream = null;
        if (type == InputMessage.StateType.STREAM) {
            ObjectNode streamState = object(state, "stream", line);
            stream = descriptor(object(streamState, "stream_descriptor", line), line);
        }
        return new InputMessage.State(line, type, stream, StateText.in(text, parsed.stateStart(), parsed.stateEnd()));
    }

    private static InputMessage trace(ObjectNode trace, long line) {
        JsonNode type = trace.get("type");
        if (type == null || !"STREAM_STATUS".equals(type.asText())) {
            return new InputMessage.Ignored(line, "TRACE");
        }
        ObjectNode status = object(trace, "stream_status", line);
        StreamId stream = descriptor(object(status, "stream_descriptor", line), line);
        return new InputMessage.StreamStatus(line, stream, textField(status, "status", line));
    }

    private static StreamId descriptor(ObjectNode descriptor, long line) {
        return new StreamId(optionalText(descriptor, "namespace", line), textField(descriptor, "name", line));
    }

    private static ObjectNode object(JsonNode parent, String field, long line) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isObject()) {
            throw malformed(line, "has no object '" + field + "'", null);
        }
        return (ObjectNode) value;
    }

    private static String textField(JsonNode parent, String field, long line) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isTextual()) {
            throw malformed(line, "has no string '" + field + "'", null);
        }
        return value.asText();
    }

    private static String optionalText(JsonNode parent, String field, long line) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw malformed(line, "has a '" + field + "' that is not a string", null);
        }
        return value.asText();
    }

    private static String limitName(StreamConstraintsException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("nesting depth")) {
            return "nesting deeper than 1000 levels";
        }
        if (m.contains("String value length")) {
            return "a string longer than 512M characters";
        }
        if (m.contains("Number value length")) {
            return "a number longer than 10000 digits";
        }
        if (m.contains(SourceJson.EXPONENT_LIMIT)) {
            return "a number with an exponent beyond \u00b12147483647";
        }
        if (m.contains("Name length")) {
            return "a field name longer than 50000 characters";
        }
        return "size";
    }

    private static SystemException malformed(long line, String what, Throwable cause) {
        // The cause is dropped where its message could quote the line's content.
        return new SystemException("Input line " + line + " " + what, cause);
    }
}
