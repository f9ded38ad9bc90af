package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpErrorsTest {
    @AfterEach
    void tearDown() {
        Secrets.clear();
    }

    @Test
    void should_report_bad_credentials_in_plain_words_when_401_or_403() {
        assertThat(HttpErrors.classify("Chroma", new HttpStatus(401, "{\"error\":\"unauthorized\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Chroma rejected the credentials (HTTP 401)");
        assertThat(HttpErrors.classify("Chroma", new HttpStatus(403, "")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Chroma refused access (HTTP 403): check the credentials and that they have the"
                        + " permissions the connector needs");
    }

    /**
     * A 403 is often a right key without a permission (a read-only key that writes); it said only "rejected
     * the credentials", hiding the permission the server named.
     */
    @Test
    void should_show_what_the_server_says_of_a_403_with_its_secrets_redacted() {
        Secrets.register("qd-read-only-key-42");

        assertThat(HttpErrors.classify(
                        "Qdrant",
                        new HttpStatus(
                                403,
                                "{\"status\":{\"error\":\"Forbidden: Write access denied for key"
                                        + " qd-read-only-key-42\"}}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Qdrant refused access (HTTP 403: {\"status\":{\"error\":\"Forbidden: Write access"
                        + " denied for key ****\"}}): check the credentials and that they have the permissions the"
                        + " connector needs");
    }

    @Test
    void should_report_a_config_problem_when_redirected_or_not_found() {
        assertThat(HttpErrors.classify("Chroma", new HttpStatus(301, ""))).isInstanceOf(ConfigException.class);
        assertThat(HttpErrors.classify("Chroma", new HttpStatus(404, "nope")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HTTP 404: nope");
    }

    @Test
    void should_report_a_system_problem_when_the_request_is_refused() {
        assertThat(HttpErrors.classify("Chroma", new HttpStatus(422, "bad shape")))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("HTTP 422: bad shape");
    }

    @Test
    void should_cut_the_body_snippet_and_redact_secrets() {
        Secrets.register("sk-secret-value");
        HttpStatus status = new HttpStatus(400, "key sk-secret-value\n" + "x".repeat(2000));

        assertThat(status.bodySnippet()).hasSizeLessThanOrEqualTo(HttpStatus.MAX_SNIPPET_CHARS);
        assertThat(status.bodySnippet()).startsWith("key **** x").doesNotContain("sk-secret-value");
        assertThat(status.describe()).startsWith("HTTP 400: key ****");
    }

    @Test
    void should_describe_io_failures_without_content() {
        assertThat(HttpErrors.describe(new ConnectException("Connection refused")))
                .isEqualTo("connection refused");
        assertThat(HttpErrors.describe(new SocketTimeoutException("Read timed out")))
                .isEqualTo("timed out");
        assertThat(HttpErrors.describe(new UnknownHostException("chroma.invalid")))
                .isEqualTo("unknown host");
        assertThat(HttpErrors.describe(new SocketException("Connection reset"))).isEqualTo("connection reset");
        assertThat(HttpErrors.describe(new IOException("something odd"))).isEqualTo("IOException");
    }
}
