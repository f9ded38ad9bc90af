package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the secret values of a raw config: the values of the fields the spec marks {@code airbyte_secret}.
 * Works on any JSON, valid or not, so that secrets can be registered with
 * {@link io.vectorsink.error.Secrets} before the config is validated and anything about it is logged.
 */
public final class ConfigSecrets {
    private ConfigSecrets() {}

    /**
     * Every secret value in {@code rawConfig}, looked up in every oneOf branch of the spec so that a secret is
     * found whichever mode is chosen, even in an invalid config.
     */
    public static List<String> valuesIn(JsonNode rawConfig) {
        Set<String> secrets = new LinkedHashSet<>();
        collect(SpecSchema.connectionSpecification(), rawConfig, secrets);
        return List.copyOf(secrets);
    }

    private static void collect(JsonNode schema, JsonNode value, Set<String> secrets) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            schema.path(combinator).forEach(branch -> collect(branch, value, secrets));
        }
        if (value.isObject()) {
            schema.path("properties").properties().forEach(property -> {
                JsonNode child = value.get(property.getKey());
                if (property.getValue().path("airbyte_secret").asBoolean(false)) {
                    collectLeaves(child, secrets);
                } else {
                    collect(property.getValue(), child, secrets);
                }
            });
        } else if (value.isArray()) {
            value.forEach(element -> collect(schema.path("items"), element, secrets));
        }
    }

    private static void collectLeaves(JsonNode value, Set<String> secrets) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isContainerNode()) {
            value.forEach(child -> collectLeaves(child, secrets));
        } else {
            secrets.add(value.asText());
        }
    }
}
