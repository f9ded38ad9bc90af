package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the raw config JSON into a validated {@link ConnectorConfig} in three steps, each in its own class:
 * {@link SpecSchema} checks the config against the spec's JSON Schema and fills in its defaults,
 * {@link ConfigRules} applies the rules the schema cannot state, and {@link ConfigBinder} builds the
 * records. The problems of the first two are reported together, each naming its field
 * ("indexing.host: must look like http(s)://host[:port]"), so the user fixes the config in one go.
 *
 * <p>Not checked here, because it needs the loaded model or the store: that {@code chunk_size} fits what
 * the embedding model embeds, and that the collection's dimensions and metric match.
 */
public final class ConfigParser {
    /** Airbyte sets {@code DEPLOYMENT_MODE=cloud} in Airbyte Cloud, where plain http is never allowed. */
    static final String DEPLOYMENT_MODE = "DEPLOYMENT_MODE";

    private ConfigParser() {}

    /**
     * Validates {@code raw} and binds it, reading {@code DEPLOYMENT_MODE} from the environment.
     *
     * @throws ConfigException listing every problem found
     */
    public static ConnectorConfig parse(JsonNode raw) {
        return parse(raw, System.getenv());
    }

    /**
     * Validates {@code raw} and binds it; {@code env} supplies {@code DEPLOYMENT_MODE}.
     *
     * @throws ConfigException listing every problem found
     */
    public static ConnectorConfig parse(JsonNode raw, Map<String, String> env) {
        if (raw == null || !raw.isObject()) {
            throw new ConfigException(List.of("config: must be a JSON object"), null);
        }
        boolean cloud = "cloud".equalsIgnoreCase(env.getOrDefault(DEPLOYMENT_MODE, ""));
        ObjectNode config = raw.deepCopy();
        Problems problems = new Problems();
        SpecSchema.validate(config, problems);
        ConfigRules.check(config, cloud, problems);
        if (!problems.isEmpty()) {
            // A config saved by one of Airbyte's vector destinations: say first what to change.
            List<String> messages = new ArrayList<>(AirbyteConfigHints.hints(raw));
            messages.addAll(problems.messages());
            throw new ConfigException(messages, null);
        }
        return ConfigBinder.bind(config, cloud);
    }
}
