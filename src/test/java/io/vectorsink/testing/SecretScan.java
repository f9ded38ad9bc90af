package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The secret values of a connector config, found the way Airbyte finds them: every config field whose spec
 * property says {@code airbyte_secret: true}. {@link ConnectorProcess} scans everything a process prints
 * for them, so every process test doubles as a secret-leak test without saying so.
 */
public final class SecretScan {
    /** Shorter values (a test's "x") would match by chance; no real secret is this short. */
    static final int MIN_LENGTH = 6;

    private static final Set<String> SECRET_FIELDS = secretFieldNames();

    private final Set<String> secrets;

    private SecretScan(Set<String> secrets) {
        this.secrets = Set.copyOf(secrets);
    }

    /** The secrets of the config file passed with {@code --config} in {@code args}; none without one. */
    static SecretScan ofArgs(List<String> args) {
        int at = args.indexOf("--config");
        if (at < 0 || at + 1 >= args.size()) {
            return new SecretScan(Set.of());
        }
        try {
            return of(Json.MAPPER.readTree(Files.readAllBytes(Path.of(args.get(at + 1)))));
        } catch (IOException e) {
            // A test may pass a file that is not JSON on purpose: it holds no secret the connector could parse.
            return new SecretScan(Set.of());
        }
    }

    /** The secret values of {@code config}. */
    public static SecretScan of(JsonNode config) {
        Set<String> found = new TreeSet<>();
        collect(config, found);
        return new SecretScan(found);
    }

    /** The secrets found, for tests of the scan itself. */
    public Set<String> secrets() {
        return secrets;
    }

    /**
     * @throws AssertionError naming the secret's length (never the secret) when {@code output} holds one
     */
    public void assertAbsentFrom(String output, String what) {
        for (String secret : secrets) {
            // Stdout is JSON: a secret with a quote, a backslash or a control character leaks there escaped.
            if (output.contains(secret) || output.contains(jsonEscaped(secret))) {
                throw new AssertionError("a configured secret (" + secret.length() + " characters) appears in the "
                        + what + " of the connector");
            }
        }
    }

    /** {@code secret} as it appears inside a JSON string literal. */
    private static String jsonEscaped(String secret) {
        try {
            String literal = Json.MAPPER.writeValueAsString(secret);
            return literal.substring(1, literal.length() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, Set<String> found) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (SECRET_FIELDS.contains(field.getKey())
                        && value.isTextual()
                        && value.textValue().length() >= MIN_LENGTH) {
                    found.add(value.textValue());
                }
                collect(value, found);
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, found));
        }
    }

    /** The names of the spec's properties marked {@code airbyte_secret}, at any depth. */
    private static Set<String> secretFieldNames() {
        try (InputStream in = SecretScan.class.getResourceAsStream("/spec.json")) {
            if (in == null) {
                throw new IllegalStateException("spec.json is not on the test classpath");
            }
            Set<String> names = new TreeSet<>();
            collectSecretNames(Json.MAPPER.readTree(in), names);
            return Set.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collectSecretNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            JsonNode properties = node.path("properties");
            if (properties.isObject()) {
                properties.properties().forEach(property -> {
                    if (property.getValue().path("airbyte_secret").asBoolean(false)) {
                        names.add(property.getKey());
                    }
                });
            }
            node.forEach(child -> collectSecretNames(child, names));
        } else if (node.isArray()) {
            node.forEach(child -> collectSecretNames(child, names));
        }
    }
}
