package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vectorsink.error.SystemException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A STATE message's {@code state} object as the exact JSON text of its input line, so that it is echoed
 * byte for byte: every number literal, string escape (an unpaired surrogate included), key order and
 * whitespace as the source wrote it. Only {@code destinationStats.recordCount} is written into it.
 *
 * <p>The text is kept as the line and the object's offsets in it, not copied: a state of 60 MB is held once,
 * and its echo is written from it piece by piece (docs/benchmarks.md, "Large states").
 */
public final class StateText {
    /**
     * For finding the record count in a state already checked: without the duplicate-key check and the
     * canonical field names, which cost a set and a table of every name (a million in a large state's blob).
     */
    private static final JsonFactory REREAD = Json.MAPPER
            .getFactory()
            .rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    private final String text;
    private final int start;
    private final int end;

    private StateText(String text, int start, int end) {
        this.text = text;
        this.start = start;
        this.end = end;
    }

    /** The state object's text, verbatim (a copy: for tests and small states). */
    public String json() {
        return start == 0 && end == text.length() ? text : text.substring(start, end);
    }

    /** The characters this state holds on to: its text, or the whole line it was read from. */
    public int retainedChars() {
        return text.length();
    }

    /** Wraps the text of a JSON object; for tests. */
    public static StateText of(String objectJson) {
        return new StateText(objectJson, 0, objectJson.length());
    }

    /**
     * The state object at {@code [start, end)} of a message line that has already been parsed and checked. The
     * line is kept rather than copied unless the state is a small part of it.
     */
    static StateText in(String line, int start, int end) {
        if (end - start < line.length() / 2) {
            return of(line.substring(start, end));
        }
        return new StateText(line, start, end);
    }

    /**
     * The state with {@code destinationStats.recordCount} set to {@code count} (as a double, {@code 3.0}):
     * added to an existing {@code destinationStats} object, replacing a {@code recordCount} the source put
     * there, or replacing a {@code destinationStats} that is not an object. Everything else is kept as it is.
     */
    public String withRecordCount(long count) {
        StringWriter out = new StringWriter(end - start + 64);
        try {
            echo(count).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    /**
     * {@link #withRecordCount} without building it: the state is read (and any reading error thrown) here, and
     * the echo writes the text before the count, the count and the text after.
     */
    public Echo echo(long count) {
        return new Echo(recordCountSplice(count + ".0"));
    }

    /** The state with its record count, ready to be written. */
    public final class Echo {
        private final Splice splice;

        private Echo(Splice splice) {
            this.splice = splice;
        }

        public void writeTo(Writer out) throws IOException {
            out.write(text, start, splice.start - start);
            out.write(splice.replacement);
            out.write(text, splice.end, end - splice.end);
        }
    }

    /** Replace {@code [start, end)} of the text with {@code replacement}. */
    private record Splice(int start, int end, String replacement) {}

    private Splice recordCountSplice(String number) {
        StringReader reader = new StringReader(text);
        try {
            reader.skip(start);
            try (JsonParser parser = REREAD.createParser(reader)) {
                parser.nextToken(); // START_OBJECT
                boolean hasFields = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    hasFields = true;
                    boolean stats = "destinationStats".equals(parser.currentName());
                    JsonToken value = parser.nextToken();
                    int valueStart = offset(parser);
                    if (!stats) {
                        parser.skipChildren();
                        continue;
                    }
                    if (value != JsonToken.START_OBJECT) {
                        return new Splice(valueStart, valueEnd(parser, value), "{\"recordCount\":" + number + "}");
                    }
                    return countIn(parser, valueStart, number);
                }
                int close = offset(parser); // the closing brace of the state
                String stats = "\"destinationStats\":{\"recordCount\":" + number + "}";
                return new Splice(close, close, hasFields ? "," + stats : stats);
            }
        } catch (IOException e) {
            throw new SystemException("A checked STATE could not be read again", e);
        }
    }

    /** Sets recordCount inside the destinationStats object that starts at {@code objectStart}. */
    private Splice countIn(JsonParser parser, int objectStart, String number) throws IOException {
        boolean empty = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            boolean count = "recordCount".equals(parser.currentName());
            JsonToken value = parser.nextToken();
            int valueStart = offset(parser);
            int valueEnd = valueEnd(parser, value);
            if (count) {
                return new Splice(valueStart, valueEnd, number);
            }
        }
        int afterBrace = objectStart + 1;
        return new Splice(afterBrace, afterBrace, "\"recordCount\":" + number + (empty ? "" : ","));
    }

    /** The offset just past the value whose first token is {@code value}. */
    private int valueEnd(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return offset(parser) + 1;
        }
        parser.finishToken();
        return start + (int) parser.currentLocation().getCharOffset();
    }

    /** The offset in {@link #text} of the parser's token: the parser starts reading at {@link #start}. */
    private int offset(JsonParser parser) {
        return start + MessageLine.offset(parser);
    }

    @Override
    public String toString() {
        return json();
    }
}
