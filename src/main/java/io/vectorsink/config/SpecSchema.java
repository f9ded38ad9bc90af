package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connector's spec ({@code spec.json}): the {@code spec} command's answer, and JSON-Schema validation of
 * a raw config against it, with every failure put in plain words that name the field.
 *
 * <p>oneOf groups whose branches are told apart by a constant {@code mode} (embedding, indexing, text
 * splitter, auth) are resolved before validation: the branch the config's {@code mode} names replaces the
 * oneOf. Because the modes are distinct constants, a config satisfies the oneOf exactly when it satisfies
 * that branch, so nothing is lost; but the user reads "indexing.host: must look like ..." instead of
 * "must be valid to one and only one schema" followed by the complaints of every branch they did not pick.
 */
public final class SpecSchema {
    /**
     * Keywords Airbyte's UI reads that are not JSON Schema. They are registered as no-ops, and every other
     * unknown keyword is refused when a schema is compiled, so a misspelt keyword in spec.json ("patern")
     * fails the build's tests instead of silently validating nothing.
     */
    static final List<String> AIRBYTE_KEYWORDS = List.of(
            "airbyte_secret",
            "airbyte_hidden",
            "always_show",
            "order",
            "group",
            "groups",
            "pattern_descriptor",
            "display_type",
            "multiline");

    private static final String MODE = "mode";

    private SpecSchema() {}

    /** The ConnectorSpecification, as the {@code spec} command returns it (a copy the caller may change). */
    public static JsonNode spec() {
        return Holder.SPEC.deepCopy();
    }

    /** The JSON Schema of the config (shared: callers must not modify it). */
    static JsonNode connectionSpecification() {
        return Holder.SPEC.get("connectionSpecification");
    }

    /** Compiles {@code schema} with the Airbyte keywords tolerated and any other unknown keyword refused. */
    static JsonSchema compile(JsonNode schema) {
        return Holder.FACTORY.getSchema(schema, Holder.CONFIG);
    }

    /**
     * Fills the spec's defaults into {@code config} (in place) and adds a problem for every way it breaks
     * the spec. JSON nulls count as absent, so an optional field set to null gets its default.
     */
    static void validate(ObjectNode config, Problems problems) {
        JsonNode resolved = resolve(connectionSpecification(), config);
        for (ValidationMessage message : compile(resolved).validate(config)) {
            describe(message, resolved, problems);
        }
    }

    /**
     * A copy of {@code schema} with each mode-discriminated oneOf replaced by the branch {@code instance}
     * selects; defaults are written into {@code instance} on the way down, before their own oneOfs are
     * resolved, so a defaulted {@code {"mode": "separator"}} also gets the separator branch's defaults.
     */
    private static JsonNode resolve(JsonNode schema, JsonNode instance) {
        ObjectNode result = schema.deepCopy();
        JsonNode oneOf = schema.get("oneOf");
        if (oneOf != null && isModeDiscriminated(oneOf)) {
            result.remove("oneOf");
            result.setAll((ObjectNode) branchFor(oneOf, instance));
        }
        JsonNode properties = result.get("properties");
        if (properties != null && instance instanceof ObjectNode object) {
            removeNulls(object);
            Set<String> required = new HashSet<>();
            result.path("required").forEach(name -> required.add(name.asText()));
            List<String> names = new ArrayList<>();
            properties.properties().forEach(property -> names.add(property.getKey()));
            for (String name : names) {
                JsonNode propertySchema = properties.get(name);
                if (!object.has(name)) {
                    if (propertySchema.has("default")) {
                        object.set(name, propertySchema.get("default").deepCopy());
                    } else if (!required.contains(name) && propertySchema.has("properties")) {
                        // An optional group such as "processing" or "advanced": absent means all defaults.
                        object.putObject(name);
                    }
                }
                if (object.has(name)) {
                    ((ObjectNode) properties).set(name, resolve(propertySchema, object.get(name)));
                }
            }
        }
        JsonNode items = result.get("items");
        if (items != null && items.isObject() && instance.isArray()) {
            // Only defaults are filled per element; the items schema itself is shared by all elements.
            instance.forEach(element -> resolve(items, element));
        }
        return result;
    }

    private static boolean isModeDiscriminated(JsonNode oneOf) {
        for (JsonNode branch : oneOf) {
            if (!branch.path("properties").path(MODE).has("const")) {
                return false;
            }
        }
        return !oneOf.isEmpty();
    }

    /** The branch whose constant mode {@code instance} names, or a schema that says which modes exist. */
    private static JsonNode branchFor(JsonNode oneOf, JsonNode instance) {
        JsonNode mode = instance.path(MODE);
        ArrayNode modes = JsonNodeFactory.instance.arrayNode();
        for (JsonNode branch : oneOf) {
            JsonNode constant = branch.path("properties").path(MODE).get("const");
            if (constant.equals(mode)) {
                return branch;
            }
            modes.add(constant);
        }
        ObjectNode unknown = JsonNodeFactory.instance.objectNode();
        unknown.put("type", "object");
        unknown.putArray("required").add(MODE);
        unknown.putObject("properties").putObject(MODE).set("enum", modes);
        return unknown;
    }

    private static void removeNulls(ObjectNode object) {
        List<String> nulls = new ArrayList<>();
        object.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                nulls.add(field.getKey());
            }
        });
        object.remove(nulls);
    }

    /**
     * Puts one validation failure in plain words. The messages never quote the config's values: a value
     * may be a secret or, for a misplaced field, anything at all.
     */
    private static void describe(ValidationMessage message, JsonNode resolvedSchema, Problems problems) {
        String path = path(message.getInstanceLocation());
        // No $ref in the resolved schema, so the evaluation path is also the keyword's place in it.
        JsonNode schema = parentSchema(resolvedSchema, message.getEvaluationPath());
        String keyword = message.getType();
        JsonNode value = schema.path(keyword);
        switch (keyword) {
            case "required" -> {
                JsonNode choices =
                        schema.path("properties").path(message.getProperty()).path("enum");
                problems.add(
                        Problems.child(path, message.getProperty()),
                        choices.isArray() ? "is required: one of " + join(choices) : "is required");
            }
            case "additionalProperties" -> problems.add(
                    Problems.child(path, message.getProperty()), "is not a field of this section");
            case "type" -> problems.add(path, "must be " + typeName(value.asText()));
            case "pattern" -> problems.add(
                    path,
                    schema.has("pattern_descriptor")
                            ? "must look like "
                                    + schema.get("pattern_descriptor").asText()
                            : "must match the pattern " + value.asText());
            case "enum" -> problems.add(path, "must be one of " + join(value));
            case "const" -> problems.add(path, "must be " + value.asText());
            case "minimum" -> problems.add(path, "must be at least " + value.asText());
            case "maximum" -> problems.add(path, "must be at most " + value.asText());
            case "minLength" -> problems.add(
                    path, value.asInt() == 1 ? "must not be empty" : "must be at least " + value + " characters long");
            case "maxLength" -> problems.add(path, "must be at most " + value + " characters long");
            case "minItems" -> problems.add(
                    path, value.asInt() == 1 ? "must not be empty" : "must have at least " + value + " items");
            case "maxItems" -> problems.add(path, "must have at most " + value + " items");
            case "uniqueItems" -> problems.add(path, "must not list the same item twice");
            default -> problems.add(path, "is not valid (" + keyword + ")");
        }
    }

    /** {@code processing.text_fields[2]} for the instance location {@code $.processing.text_fields[2]}. */
    private static String path(JsonNodePath location) {
        String path = "";
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer index
                    ? Problems.element(path, index)
                    : Problems.child(path, String.valueOf(element));
        }
        return path;
    }

    /** The schema object that holds the keyword at the end of {@code evaluationPath}. */
    private static JsonNode parentSchema(JsonNode root, JsonNodePath evaluationPath) {
        JsonNode node = root;
        for (int i = 0; i < evaluationPath.getNameCount() - 1; i++) {
            Object element = evaluationPath.getElement(i);
            node = element instanceof Integer index ? node.path(index) : node.path(String.valueOf(element));
        }
        return node;
    }

    private static String typeName(String jsonType) {
        return switch (jsonType) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            case "array" -> "a list";
            case "object" -> "an object";
            default -> "of type " + jsonType;
        };
    }

    private static String join(JsonNode values) {
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(v.asText()));
        return String.join(", ", names);
    }

    private static final class Holder {
        static final JsonNode SPEC = load();
        static final JsonSchemaFactory FACTORY = factory();

        /** Patterns read as ECMA-262 expressions, as Airbyte's form reads them ({@link EcmaPatterns}). */
        static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
                .regularExpressionFactory(EcmaPatterns.INSTANCE)
                .build();

        private static JsonNode load() {
            try (InputStream in = SpecSchema.class.getResourceAsStream("/spec.json")) {
                if (in == null) {
                    throw new SystemException("spec.json is missing from the connector's jar");
                }
                return Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new SystemException("spec.json in the connector's jar cannot be read", e);
            }
        }

        private static JsonSchemaFactory factory() {
            JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV7())
                    .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance());
            AIRBYTE_KEYWORDS.forEach(keyword -> meta.keyword(new NonValidationKeyword(keyword)));
            JsonMetaSchema draft7 = meta.build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7, builder -> builder.metaSchema(draft7));
        }
    }
}
