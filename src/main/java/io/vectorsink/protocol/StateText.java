package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vectorsink.error.SystemException;
import java.io.IOException;

/**
 * A STATE message's {@code state} object as the exact JSON text of its input line, so that it is echoed
 * byte for byte: every number literal, string escape (an unpaired surrogate included), key order and
 * whitespace as the source wrote it. Only {@code destinationStats.recordCount} is written into it.
 */
public final class StateText {
    private final String json;

    private StateText(String json) {
        this.json = json;
    }

    /** The state object's text, verbatim. */
    public String json() {
        return json;
    }

    /** Wraps the text of a JSON object; for tests and for {@link #locate}. */
    public static StateText of(String objectJson) {
        return new StateText(objectJson);
    }

    /**
     * The {@code state} object of a whole message line that has already been parsed and checked (so it is
     * valid JSON with one top-level {@code state} object).
     */
    static StateText locate(String line) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(line)) {
            parser.nextToken(); // the message object
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                boolean state = "state".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                int start = offset(parser);
                if (state && value == JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    return new StateText(line.substring(start, offset(parser) + 1));
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new SystemException("A checked STATE line could not be read again", e);
        }
        throw new SystemException("A checked STATE line has no state object");
    }

    /**
     * The state with {@code destinationStats.recordCount} set to {@code count} (as a double, {@code 3.0}):
     * added to an existing {@code destinationStats} object, replacing a {@code recordCount} the source put
     * there, or replacing a {@code destinationStats} that is not an object. Everything else is kept as it is.
     */
    public String withRecordCount(long count) {
        String number = count + ".0";
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
            parser.nextToken(); // START_OBJECT
            boolean hasFields = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                hasFields = true;
                boolean stats = "destinationStats".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                int start = offset(parser);
                if (!stats) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT) {
                    int end = valueEnd(parser, value);
                    return splice(start, end, "{\"recordCount\":" + number + "}");
                }
                return withCountIn(parser, start, number);
            }
            int end = offset(parser); // the closing brace of the state
            String stats = "\"destinationStats\":{\"recordCount\":" + number + "}";
            return splice(end, end, hasFields ? "," + stats : stats);
        } catch (IOException e) {
            throw new SystemException("A checked STATE could not be read again", e);
        }
    }

    /** Sets recordCount inside the destinationStats object that starts at {@code objectStart}. */
    private String withCountIn(JsonParser parser, int objectStart, String number) throws IOException {
        boolean empty = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            boolean count = "recordCount".equals(parser.currentName());
            JsonToken value = parser.nextToken();
            int start = offset(parser);
            int end = valueEnd(parser, value);
            if (count) {
                return splice(start, end, number);
            }
        }
        int afterBrace = objectStart + 1;
        return splice(afterBrace, afterBrace, "\"recordCount\":" + number + (empty ? "" : ","));
    }

    /** The offset just past the value whose first token is {@code value}. */
    private static int valueEnd(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return offset(parser) + 1;
        }
        parser.finishToken();
        return (int) parser.currentLocation().getCharOffset();
    }

    private static int offset(JsonParser parser) {
        return (int) parser.currentTokenLocation().getCharOffset();
    }

    private String splice(int start, int end, String replacement) {
        return json.substring(0, start) + replacement + json.substring(end);
    }

    @Override
    public String toString() {
        return json;
    }
}
