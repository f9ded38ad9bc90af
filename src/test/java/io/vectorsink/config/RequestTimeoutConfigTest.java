package io.vectorsink.config;

import static io.vectorsink.config.ConfigParserTest.minimalWith;
import static io.vectorsink.config.ConfigParserTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** {@code advanced.request_timeout_seconds}: spec, parser, record, and the clients it bounds. */
class RequestTimeoutConfigTest {
    private static final JsonNode SPEC_ENTRY = SpecSchema.spec()
            .get("connectionSpecification")
            .at("/properties/advanced/properties/request_timeout_seconds");

    @Test
    void should_declare_the_setting_with_its_default_and_range_in_the_spec() {
        assertThat(SPEC_ENTRY.get("type").asText()).isEqualTo("integer");
        assertThat(SPEC_ENTRY.get("default").asLong())
                .isEqualTo(AdvancedConfig.DEFAULT_REQUEST_TIMEOUT.toSeconds())
                .isEqualTo(AdvancedConfig.defaults().requestTimeout().toSeconds());
        assertThat(SPEC_ENTRY.get("minimum").asInt()).isEqualTo(1);
        assertThat(SPEC_ENTRY.get("maximum").asLong()).isEqualTo(AdvancedConfig.MAX_REQUEST_TIMEOUT.toSeconds());
        assertThat(SPEC_ENTRY.get("description").asText()).isNotBlank();
        assertThat(SPEC_ENTRY.has("order")).isTrue();
    }

    @Test
    void should_bind_the_request_timeout_and_default_it_to_60_seconds() {
        var set = minimalWith(
                "advanced.request_timeout_seconds",
                ConfigParserTest.json("{\"v\": 7}").get("v"));

        assertThat(ConfigParser.parse(set, Map.of()).advanced().requestTimeout())
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(ConfigParser.parse(
                                minimalWith(
                                        "advanced.batch_size",
                                        ConfigParserTest.json("{\"v\": 8}").get("v")),
                                Map.of())
                        .advanced()
                        .requestTimeout())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void should_reject_a_request_timeout_outside_1_to_600_seconds() {
        assertThat(problems(minimalWith(
                        "advanced.request_timeout_seconds",
                        ConfigParserTest.json("{\"v\": 0}").get("v"))))
                .containsExactly("advanced.request_timeout_seconds: must be at least 1");
        assertThat(problems(minimalWith(
                        "advanced.request_timeout_seconds",
                        ConfigParserTest.json("{\"v\": 601}").get("v"))))
                .containsExactly("advanced.request_timeout_seconds: must be at most 600");
        assertThatThrownBy(() -> new AdvancedConfig(
                        128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), false, Duration.ofMillis(500)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("request_timeout_seconds must be between 1 and 600");
    }

    @Test
    void should_bound_every_request_of_the_clients_it_configures() {
        AdvancedConfig advanced = new AdvancedConfig(
                128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), false, Duration.ofSeconds(2));

        OkHttpClient client = HttpClients.forConfig(advanced);

        assertThat(client.readTimeoutMillis()).isEqualTo(2_000);
        assertThat(client.writeTimeoutMillis()).isEqualTo(2_000);
        assertThat(client.callTimeoutMillis()).isEqualTo(2_000);
        assertThat(client.connectTimeoutMillis()).isEqualTo(2_000);
        assertThat(client.connectionPool()).isSameAs(HttpClients.shared().connectionPool());
        assertThat(client.retryOnConnectionFailure()).isFalse();
        assertThat(HttpClients.forConfig(AdvancedConfig.defaults()).connectTimeoutMillis())
                .as("the connect timeout stays 10 s when the request timeout is longer")
                .isEqualTo(10_000);
    }
}
