package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a line of the source's JSON into a tree whose numbers keep the literal the source wrote:
 * {@code 100.0} stays {@code 100.0}, not Jackson's {@code 1E+2}, and {@code -0.0} stays {@code -0.0}. Chunk
 * text, nested values stored as JSON text, and anything else rendered from a record therefore show numbers
 * as they came. The parser is {@link Json#MAPPER}'s, with its limits and its duplicate-key check; text after
 * the value is refused as {@code FAIL_ON_TRAILING_TOKENS} would.
 */
public final class SourceJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SourceJson() {}

    /** The tree of {@code text}, or null when it holds no value. */
    public static JsonNode read(String text) throws JsonProcessingException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode root = tree(parser, first);
            expectEnd(parser);
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** Refuses text after the value, as {@code FAIL_ON_TRAILING_TOKENS} would. */
    static void expectEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "Trailing token after the value");
        }
    }

    /** Builds the value that starts at {@code first}, without recursion: nesting depth is the parser's limit. */
    static JsonNode tree(JsonParser parser, JsonToken first) throws IOException {
        Deque<JsonNode> open = new ArrayDeque<>();
        JsonToken token = first;
        while (true) {
            JsonNode done = null;
            switch (token) {
                case START_OBJECT -> open.push(attach(open, parser, NODES.objectNode()));
                case START_ARRAY -> open.push(attach(open, parser, NODES.arrayNode()));
                case END_OBJECT, END_ARRAY -> done = open.pop();
                case FIELD_NAME -> {
                    // the name is read when the value is attached
                }
                default -> done = attach(open, parser, scalar(parser, token));
            }
            if (done != null && open.isEmpty()) {
                return done;
            }
            token = parser.nextToken();
        }
    }

    /**
     * Reads the value that starts at {@code first} token by token, with every check {@link #tree} makes (string
     * length, number length and exponent, and the parser's own: syntax, nesting, duplicate keys, field names),
     * but builds nothing of it: returns an empty value of its kind. For the parts of a line nobody reads.
     */
    static JsonNode check(JsonParser parser, JsonToken first) throws IOException {
        int depth = 0;
        JsonToken token = first;
        while (true) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> parser.streamReadConstraints().validateStringLength(parser.getTextLength());
                case VALUE_NUMBER_INT -> parser.getNumberType();
                case VALUE_NUMBER_FLOAT -> decimal(parser);
                default -> {
                    // field names are read and checked by the parser itself; true, false and null hold nothing
                }
            }
            if (depth == 0) {
                return switch (first) {
                    case START_OBJECT -> NODES.objectNode();
                    case START_ARRAY -> NODES.arrayNode();
                    case VALUE_STRING -> NODES.textNode("");
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.numberNode(0);
                    default -> scalar(parser, first);
                };
            }
            token = parser.nextToken();
        }
    }

    private static JsonNode attach(Deque<JsonNode> open, JsonParser parser, JsonNode value) throws IOException {
        JsonNode parent = open.peek();
        if (parent instanceof ObjectNode object) {
            object.set(parser.currentName(), value);
        } else if (parent instanceof ArrayNode array) {
            array.add(value);
        }
        return value;
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_NUMBER_INT -> integer(parser);
            case VALUE_NUMBER_FLOAT -> new SourceNumber(parser.getText(), decimal(parser));
            default -> throw new JsonParseException(parser, "Unexpected token " + token);
        };
    }

    /**
     * The exact value of a number with a fraction or an exponent. An exponent beyond a {@code BigDecimal}'s
     * int scale ({@code 1e9999999999}, valid JSON) makes Jackson throw a bare NumberFormatException; it is
     * reported as the parser limit it is, so that the error names the line.
     */
    private static BigDecimal decimal(JsonParser parser) throws IOException {
        try {
            return parser.getDecimalValue();
        } catch (NumberFormatException e) {
            throw new StreamConstraintsException(EXPONENT_LIMIT);
        }
    }

    /** The message of the limit {@link #decimal} reports. */
    static final String EXPONENT_LIMIT = "Number exponent beyond the range of a decimal";

    /** Integers as Jackson's own nodes, except a literal they would not render as written ({@code -0}). */
    private static JsonNode integer(JsonParser parser) throws IOException {
        String literal = parser.getText();
        JsonNode node =
                switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
        return node.asText().equals(literal) ? node : new SourceNumber(literal, parser.getDecimalValue());
    }
}
