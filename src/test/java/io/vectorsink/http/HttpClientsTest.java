package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
    @Test
    void should_leave_retries_and_redirects_to_the_connector() {
        OkHttpClient client = HttpClients.shared();

        assertThat(client.retryOnConnectionFailure()).isFalse();
        assertThat(client.followRedirects()).isFalse();
        assertThat(client.followSslRedirects()).isFalse();
        assertThat(client.connectTimeoutMillis()).isEqualTo(10_000);
        assertThat(client.callTimeoutMillis()).isEqualTo(120_000);
    }

    @Test
    void should_share_the_pool_when_timeouts_differ() {
        OkHttpClient client = HttpClients.withTimeouts(new HttpClients.Timeouts(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4)));

        assertThat(client.connectionPool()).isSameAs(HttpClients.shared().connectionPool());
        assertThat(client.dispatcher()).isSameAs(HttpClients.shared().dispatcher());
        assertThat(client.readTimeoutMillis()).isEqualTo(2_000);
        assertThat(client.callTimeoutMillis()).isEqualTo(4_000);
        assertThat(client.retryOnConnectionFailure()).isFalse();
    }

    @Test
    void should_reject_a_timeout_that_is_not_positive() {
        assertThatThrownBy(() -> new HttpClients.Timeouts(
                        Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4)))
                .hasMessageContaining("connect timeout must be > 0");
    }
}
