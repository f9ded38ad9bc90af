package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
     * @throws AssertionError naming the secret's length and the form it was found in (never the secret)
     *     when {@code output} holds a secret in any form a server or a library may echo it
     */
    public void assertAbsentFrom(String output, String what) {
        for (String secret : secrets) {
            for (Map.Entry<String, String> form : forms(secret).entrySet()) {
                if (output.contains(form.getValue())) {
                    throw new AssertionError("a configured secret (" + secret.length() + " characters) appears "
                            + form.getKey() + " in the " + what + " of the connector");
                }
            }
        }
    }

    /**
     * Every form of {@code secret} to look for, by name: as is; JSON-escaped (as Jackson writes it, with
     * a backslash before each slash as other encoders write it, and with every punctuation character as a
     * unicode escape); URL-encoded (with {@code +} and with {@code %20} for a space, upper and lower case
     * hex); base64 (standard and URL-safe, without the padding that depends on what follows). For a value
     * that is a header value or a base64 credential, the same for its secret part.
     */
    public static Map<String, String> forms(String secret) {
        Map<String, String> forms = new LinkedHashMap<>();
        for (String value : secretParts(secret)) {
            String part = value.equals(secret) ? "" : " (a part of it, " + value.length() + " characters)";
            forms.put("as is" + part, value);
            String json = jsonEscaped(value);
            forms.put("JSON-escaped" + part, json);
            forms.put("JSON-escaped with \\/" + part, json.replace("/", "\\/"));
            forms.put("\\u-escaped" + part, unicodeEscaped(value));
            String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
            forms.put("URL-encoded" + part, url);
            forms.put("URL-encoded with %20" + part, url.replace("+", "%20"));
            forms.put("URL-encoded in lower-case hex" + part, lowerHex(url));
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            forms.put("base64-encoded" + part, unpadded(Base64.getEncoder().encodeToString(bytes)));
            forms.put(
                    "base64url-encoded" + part, unpadded(Base64.getUrlEncoder().encodeToString(bytes)));
        }
        forms.values().removeIf(form -> form.length() < MIN_LENGTH);
        return forms;
    }

    /** {@code secret}, and what is secret inside it: a header value's credentials, a base64 pair's halves. */
    private static Set<String> secretParts(String secret) {
        Set<String> parts = new LinkedHashSet<>();
        parts.add(secret);
        int space = secret.indexOf(' ');
        String credentials = space > 0 ? secret.substring(space + 1).strip() : secret;
        parts.add(credentials);
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0 && decoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                parts.add(decoded);
                parts.add(decoded.substring(colon + 1));
            }
        } catch (IllegalArgumentException e) {
            // not base64: no parts inside
        }
        return parts;
    }

    private static String unicodeEscaped(String value) {
        StringBuilder out = new StringBuilder();
        value.chars()
                .forEach(c -> out.append(
                        Character.isLetterOrDigit(c) ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString();
    }

    private static String lowerHex(String url) {
        StringBuilder out = new StringBuilder(url);
        for (int i = url.indexOf('%'); i >= 0 && i + 2 < url.length(); i = url.indexOf('%', i + 1)) {
            out.replace(i + 1, i + 3, url.substring(i + 1, i + 3).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }

    private static String unpadded(String base64) {
        return base64.replaceAll("=+$", "");
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
            // Basic credentials travel as base64(user:password), which is as secret as the password.
            if (node.path("username").isTextual()
                    && node.path("password").isTextual()
                    && node.path("password").textValue().length() >= MIN_LENGTH) {
                found.add("Basic "
                        + Base64.getEncoder()
                                .encodeToString((node.path("username").textValue() + ":"
                                                + node.path("password").textValue())
                                        .getBytes(StandardCharsets.UTF_8)));
            }
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
