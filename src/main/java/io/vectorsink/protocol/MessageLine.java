package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads a message line as {@link SourceJson#read} does, with every check it makes, except that the tree of a
 * top-level {@code state} object is not built: of it only {@code type} and {@code stream.stream_descriptor}
 * are (all the connector reads), and every other value in it is checked token by token and stands as an
 * empty value of its kind. A state's blob is echoed from the line's text, so a state of a million entries
 * costs its text only, not a tree ten times its size, whatever the source sends.
 *
 * @param root the message, or null when the line holds no value
 * @param stateStart the offset in the line of the {@code state} object's opening brace, or -1
 * @param stateEnd the offset just past its closing brace, or -1
 */
record MessageLine(JsonNode root, int stateStart, int stateEnd) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static MessageLine read(String text) throws JsonProcessingException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new MessageLine(null, -1, -1);
            }
            if (first != JsonToken.START_OBJECT) {
                JsonNode value = SourceJson.tree(parser, first);
                SourceJson.expectEnd(parser);
                return new MessageLine(value, -1, -1);
            }
            ObjectNode message = NODES.objectNode();
            int stateStart = -1;
            int stateEnd = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("state") && value == JsonToken.START_OBJECT) {
                    stateStart = offset(parser);
                    message.set(name, partial(parser, MessageLine::stateField));
                    stateEnd = offset(parser) + 1;
                } else {
                    message.set(name, SourceJson.tree(parser, value));
                }
            }
            SourceJson.expectEnd(parser);
            return new MessageLine(message, stateStart, stateEnd);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    private static JsonNode stateField(JsonParser parser, String name, JsonToken value) throws IOException {
        if (name.equals("type")) {
            return SourceJson.tree(parser, value);
        }
        if (name.equals("stream") && value == JsonToken.START_OBJECT) {
            return partial(parser, MessageLine::streamStateField);
        }
        return SourceJson.check(parser, value);
    }

    private static JsonNode streamStateField(JsonParser parser, String name, JsonToken value) throws IOException {
        return name.equals("stream_descriptor") ? SourceJson.tree(parser, value) : SourceJson.check(parser, value);
    }

    /** The object whose START_OBJECT the parser is at, each field as {@code fields} reads it. */
    private static ObjectNode partial(JsonParser parser, FieldReader fields) throws IOException {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            object.set(name, fields.read(parser, name, parser.nextToken()));
        }
        return object;
    }

    private interface FieldReader {
        JsonNode read(JsonParser parser, String name, JsonToken value) throws IOException;
    }

    static int offset(JsonParser parser) {
        return (int) parser.currentTokenLocation().getCharOffset();
    }
}
