package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.ConfigException;
import org.junit.jupiter.api.Test;

class HttpsPolicyTest {
    @Test
    void should_accept_https_anywhere() {
        assertThat(HttpsPolicy.check("host", "https://chroma.example.com", false, null)
                        .host())
                .isEqualTo("chroma.example.com");
        assertThat(HttpsPolicy.check("host", "https://chroma.example.com", false, "cloud"))
                .isNotNull();
    }

    @Test
    void should_accept_plain_http_when_the_host_is_loopback() {
        for (String url : new String[] {
            "http://localhost:8000",
            "http://127.0.0.1:8000",
            "http://127.250.3.4",
            "http://[::1]:8000",
            "http://LOCALHOST"
        }) {
            assertThat(HttpsPolicy.check("host", url, false, "oss")).as(url).isNotNull();
        }
    }

    @Test
    void should_reject_plain_http_when_the_host_is_not_loopback() {
        for (String url : new String[] {
            "http://chroma.example.com", "http://128.0.0.1", "http://127.0.0.1.evil.example", "http://10.0.0.5"
        }) {
            assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", url, false, null))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("indexing.host must use https");
        }
    }

    @Test
    void should_accept_plain_http_when_insecure_http_is_allowed() {
        assertThat(HttpsPolicy.check("host", "http://chroma.internal:8000", true, null))
                .isNotNull();
    }

    @Test
    void should_reject_plain_http_in_cloud_even_for_loopback_or_when_allowed() {
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", "http://localhost:8000", true, "CLOUD"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must use https in Airbyte Cloud");
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", "http://chroma.internal", true, " cloud "))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void should_reject_urls_that_are_not_http() {
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", "ftp://x", false, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be an http:// or https:// URL");
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", null, false, null))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", "localhost:8000", false, null))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void should_not_show_credentials_in_messages() {
        assertThatThrownBy(
                        () -> HttpsPolicy.check("indexing.host", "http://admin:hunter22@chroma.example", false, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("hunter22")
                .hasMessageNotContaining("admin");
        assertThatThrownBy(() -> HttpsPolicy.check("indexing.host", "htp://admin:hunter22@x", false, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("hunter22");
    }
}
