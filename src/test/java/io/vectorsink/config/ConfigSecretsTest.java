package io.vectorsink.config;

import static io.vectorsink.config.ConfigParserTest.MINIMAL;
import static io.vectorsink.config.ConfigParserTest.json;
import static io.vectorsink.config.ConfigParserTest.minimalWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import org.junit.jupiter.api.Test;

/** Secret discovery: the values of every field the spec marks {@code airbyte_secret}, in any raw config. */
class ConfigSecretsTest {
    @Test
    void should_list_secret_values_of_every_auth_mode() {
        ObjectNode token = minimalWith("indexing.auth", json("{\"mode\": \"token\", \"token\": \"tok-123456\"}"));
        ObjectNode basic = minimalWith(
                "indexing.auth", json("{\"mode\": \"basic\", \"username\": \"admin\", \"password\": \"pw-654321\"}"));

        assertThat(ConfigSecrets.valuesIn(token)).containsExactly("tok-123456");
        assertThat(ConfigSecrets.valuesIn(basic)).containsExactly("pw-654321");
        assertThat(ConfigSecrets.valuesIn(json(MINIMAL))).isEmpty();
    }

    @Test
    void should_list_secret_values_when_the_config_is_invalid() {
        // Secrets are registered before parsing, so they must be found in a config the parser rejects.
        ObjectNode raw = json(
                """
                {"indexing": {"mode": "nonsense", "host": 5, "auth": {"mode": "basic", "password": "pw-654321"}},
                 "embedding": "wrong"}
                """);

        assertThat(ConfigSecrets.valuesIn(raw)).containsExactly("pw-654321");
        assertThat(ConfigSecrets.valuesIn(Json.MAPPER.nullNode())).isEmpty();
        assertThat(ConfigSecrets.valuesIn(Json.MAPPER.getNodeFactory().textNode("x")))
                .isEmpty();
    }
}
