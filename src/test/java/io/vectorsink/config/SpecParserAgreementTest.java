package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.vectorsink.error.ConfigException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks the whole spec, every oneOf branch and list item included, and sets each field in turn to many
 * values (its defaults and examples, its enum, the bounds of a number and beyond them in every spelling,
 * and a pool of odd strings), each in an otherwise valid config of that branch. The spec as Airbyte
 * validates it (the raw JSON Schema, oneOf and all) and {@link ConfigParser} must then agree: what the
 * spec accepts the parser accepts, and what the parser refuses the spec refuses, except for the few
 * rules between two fields that a JSON Schema pattern cannot state ({@link #RULES_BETWEEN_FIELDS}).
 * Otherwise Airbyte's form lets a user save a config that every check and sync then refuses.
 */
class SpecParserAgreementTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode CONNECTION = SpecSchema.connectionSpecification();
    private static final JsonSchema AS_AIRBYTE_VALIDATES = SpecSchema.compile(CONNECTION);

    /** Refusals by rules that compare two fields: the spec cannot state them, each is worded for the user. */
    private static final List<String> RULES_BETWEEN_FIELDS = List.of(
            "must be less than processing.chunk_size",
            "must be at least advanced.batch_size",
            "must name different Milvus fields",
            "can only be set for", // a shortened vector length for a model that has none
            "must be between 1 and", // ... or longer than the model's
            "must be one of 256, 512, 1024, 1536 for");

    /** Strings that probe patterns at their edges; each field also gets its own defaults and examples. */
    private static final List<String> STRINGS = List.of(
            "",
            " ",
            "a",
            "ab",
            "abc",
            "A",
            "Abc",
            "Z9",
            "9a",
            "_",
            "_x",
            "_ab_",
            "_ab_text",
            "-a",
            "a-",
            "a_b",
            "a.b",
            "a..b",
            ".a",
            "a.",
            "*",
            "a.*",
            "*.a",
            "a.*.b",
            " a",
            "a ",
            "a b",
            "a\tb",
            "é",
            "naïve",
            "metadata",
            "id",
            "_id",
            "_additional",
            "text",
            "vector",
            "embedding",
            "x".repeat(64),
            "x".repeat(65),
            "x".repeat(128),
            "x".repeat(129),
            "x".repeat(255),
            "x".repeat(256),
            "x".repeat(513),
            "1.2.3.4",
            "\"\\n\"",
            "\"\"",
            "\"\\q\"",
            "\"\\u00\"",
            "\"a\"b\"",
            "\"\\\"",
            "\"\\/\\u00e9\"",
            "\"\t\"",
            "http://localhost",
            "http://localhost:8000/",
            "http://127.0.0.1:0",
            "https://h:1",
            "https://h:65535",
            "https://h:65536",
            "https://h:99999",
            "https://h:00080",
            "https://h:99999999999",
            "https://a_b.example",
            "https://[::1]:8",
            "https://h/v1",
            "https://h/v1/",
            "http://example.com",
            "2024-10-21",
            "2024-13-45",
            "2024-10-21-preview",
            "key-with/slash+plus==");

    @Test
    void should_accept_every_config_the_spec_accepts_and_refuse_only_what_the_spec_refuses() {
        ObjectNode base = (ObjectNode) sample(CONNECTION);
        base.withObject("/advanced").put("allow_insecure_http", true);
        assertThat(problems(base)).as("the sampled config " + base).isEmpty();
        List<String> disagreements = new ArrayList<>();

        walk(CONNECTION, "", base, (config, pointer, field) -> {
            for (JsonNode value : candidates(field)) {
                ObjectNode probe = config.deepCopy();
                set(probe, pointer, value);
                boolean specAccepts = AS_AIRBYTE_VALIDATES.validate(probe).isEmpty();
                List<String> refusals = problems(probe);
                boolean parserAccepts = refusals.isEmpty()
                        || refusals.stream().allMatch(problem -> RULES_BETWEEN_FIELDS.stream()
                                .anyMatch(problem::contains));
                if (specAccepts != parserAccepts) {
                    disagreements.add(pointer + " = " + value + ": the spec "
                            + (specAccepts ? "accepts" : "refuses") + ", the parser "
                            + (refusals.isEmpty() ? "accepts" : "refuses: " + refusals));
                }
            }
        });

        assertThat(disagreements).isEmpty();
    }

    /** Every secret field of every branch is registered for scrubbing before anything is logged. */
    @Test
    void should_find_the_value_of_every_secret_field_of_every_branch() {
        ObjectNode base = (ObjectNode) sample(CONNECTION);
        List<String> secretFields = new ArrayList<>();
        List<String> missed = new ArrayList<>();

        walk(CONNECTION, "", base, (config, pointer, field) -> {
            if (field.path("airbyte_secret").asBoolean(false)) {
                secretFields.add(pointer);
                ObjectNode probe = config.deepCopy();
                String value = "secret-at" + pointer.replace('/', '-');
                set(probe, pointer, NODES.textNode(value));
                if (!ConfigSecrets.valuesIn(probe).contains(value)) {
                    missed.add(pointer);
                }
            }
        });

        assertThat(secretFields).contains("/embedding/openai_key", "/indexing/auth/password");
        assertThat(secretFields).contains("/indexing/additional_headers/0/value");
        assertThat(missed).isEmpty();
    }

    @Test
    void should_find_a_disagreement_when_a_pattern_is_looser_than_the_parser() {
        // The walk's own check: a spec whose chunk_size had no maximum would let 9000 through to the parser.
        ObjectNode config = (ObjectNode) sample(CONNECTION);
        config.putObject("processing").put("chunk_size", 9000);
        ObjectNode looser = CONNECTION.deepCopy();
        ((ObjectNode) looser.at("/properties/processing/properties/chunk_size")).remove("maximum");

        assertThat(SpecSchema.compile(looser).validate(config)).isEmpty();
        assertThat(problems(config)).isNotEmpty();
    }

    private interface FieldVisitor {
        void visit(ObjectNode config, String pointer, JsonNode field);
    }

    /**
     * Calls {@code visitor} for every leaf field under {@code schema} (an object schema at {@code pointer} in
     * {@code config}), once per oneOf branch it lives in, with a config in which that branch is chosen.
     */
    private static void walk(JsonNode schema, String pointer, ObjectNode config, FieldVisitor visitor) {
        schema.path("properties").properties().forEach(property -> {
            String child = pointer + "/" + property.getKey();
            JsonNode field = property.getValue();
            if (field.has("oneOf")) {
                for (JsonNode branch : field.get("oneOf")) {
                    ObjectNode chosen = config.deepCopy();
                    set(chosen, child, sample(branch));
                    walk(branch, child, chosen, visitor);
                }
            } else if (field.has("properties")) {
                ObjectNode withGroup = config.deepCopy();
                if (withGroup.at(child).isMissingNode()) {
                    set(withGroup, child, NODES.objectNode());
                }
                walk(field, child, withGroup, visitor);
            } else if (field.path("items").has("properties")) {
                ObjectNode withItem = config.deepCopy();
                set(withItem, child, NODES.arrayNode().add(sample(field.get("items"))));
                walk(field.get("items"), child + "/0", withItem, visitor);
            } else {
                visitor.visit(config, child, field);
            }
        });
    }

    /** A valid value for {@code schema}: its const, default, first example, first enum value, or a probe. */
    private static JsonNode sample(JsonNode schema) {
        if (schema.has("oneOf")) {
            return sample(schema.get("oneOf").get(0));
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.has("properties")) {
            ObjectNode object = NODES.objectNode();
            schema.path("required")
                    .forEach(name -> object.set(name.asText(), sample(schema.at("/properties/" + name.asText()))));
            return object;
        }
        if (schema.has("default")) {
            return schema.get("default");
        }
        if (schema.has("examples")) {
            return schema.get("examples").get(0);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        return switch (schema.path("type").asText()) {
            case "integer" -> NODES.numberNode(schema.path("minimum").asInt(1));
            case "boolean" -> NODES.booleanNode(false);
            case "array" -> NODES.arrayNode();
            default -> STRINGS.stream()
                    .filter(text -> accepts(schema, NODES.textNode(text)))
                    .findFirst()
                    .<JsonNode>map(NODES::textNode)
                    .orElseThrow(() -> new AssertionError("no probe fits " + schema));
        };
    }

    /** The values to try in a field: its own, bounds and beyond in several spellings, and the string pool. */
    private static Set<JsonNode> candidates(JsonNode field) {
        Set<JsonNode> values = new LinkedHashSet<>();
        Optional.ofNullable(field.get("default")).ifPresent(values::add);
        field.path("examples").forEach(values::add);
        field.path("enum").forEach(values::add);
        Optional.ofNullable(field.get("const")).ifPresent(values::add);
        switch (field.path("type").asText()) {
            case "integer" -> {
                List<Long> numbers = new ArrayList<>(List.of(-1L, 0L, 1L, 2L, 100_000L));
                field.path("enum").forEach(value -> numbers.add(value.asLong()));
                for (String bound : List.of("minimum", "maximum")) {
                    if (field.has(bound)) {
                        long at = field.get(bound).asLong();
                        numbers.addAll(List.of(at - 1, at, at + 1));
                    }
                }
                for (long number : numbers) {
                    values.add(NODES.numberNode(number));
                    values.add(NODES.numberNode((double) number)); // 254.0
                    values.add(NODES.numberNode(new BigDecimal(number + "E0"))); // 2.54E2 as read from text
                }
                values.add(NODES.numberNode(1.5));
                values.add(NODES.textNode("1"));
            }
            case "boolean" -> values.addAll(List.of(NODES.booleanNode(true), NODES.booleanNode(false)));
            case "array" -> {
                values.add(NODES.arrayNode());
                for (String text : STRINGS) {
                    values.add(NODES.arrayNode().add(text));
                }
                field.path("default")
                        .forEach(element -> values.add(NODES.arrayNode().add(element)));
                values.add(NODES.arrayNode().add("a").add("a"));
            }
            default -> {
                STRINGS.forEach(text -> values.add(NODES.textNode(text)));
                values.add(NODES.numberNode(1));
            }
        }
        return values;
    }

    private static boolean accepts(JsonNode fieldSchema, JsonNode value) {
        return SpecSchema.compile(fieldSchema).validate(value).isEmpty();
    }

    private static List<String> problems(ObjectNode config) {
        try {
            ConfigParser.parse(config, Map.of());
            return List.of();
        } catch (ConfigException e) {
            return e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems();
        }
    }

    /** Sets the value at {@code pointer}, whose parent exists, to {@code value}. */
    private static void set(ObjectNode root, String pointer, JsonNode value) {
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = root.at(at.head());
        String last = at.last().getMatchingProperty();
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else {
            throw new AssertionError("no parent for " + pointer + " in " + root);
        }
    }
}
