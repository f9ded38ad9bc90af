package io.vectorsink.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.vectorsink.error.ConfigException;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Endpoints that answer, but never the way a retry could change: a TLS certificate the JVM does not trust
 * (WireMock's own, self-signed), a plain-http server behind an https URL, another protocol at the port. Each
 * was retried as an outage for the whole retry bound (five minutes by default in a sync, which then ended
 * as a transient error) and described as "TLS handshake failed" or "ProtocolException".
 */
class HttpServiceHandshakeTest {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().dynamicHttpsPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    private Throwable failureOf(String url) {
        return failureOf(HttpClients.shared(), url);
    }

    private Throwable failureOf(OkHttpClient client, String url) {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(200).withBody("{}")));
        RetrySettings settings =
                new RetrySettings("Chroma", 10, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));
        HttpService service = new HttpService(client, settings, clock.timing());
        return catchThrowable(
                () -> service.execute(new Request.Builder().url(url).build()));
    }

    @Test
    void should_refuse_a_trusted_certificate_for_another_host_name_at_once() throws Exception {
        // Trusting WireMock's certificate (issued for localhost) leaves the host name check: 127.0.0.1 is not it.
        X509TrustManager trustingAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trustingAll}, null);
        OkHttpClient client = HttpClients.shared()
                .newBuilder()
                .sslSocketFactory(tls.getSocketFactory(), trustingAll)
                .build();

        Throwable failure = failureOf(client, "https://127.0.0.1:" + server.getHttpsPort() + "/thing");

        assertThat(failure)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TLS certificate is not for this host name");
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void should_refuse_an_untrusted_certificate_at_once_in_plain_words() {
        Throwable failure = failureOf("https://localhost:" + server.getHttpsPort() + "/thing");

        assertThat(failure)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Chroma at https://localhost:" + server.getHttpsPort())
                .hasMessageContaining("TLS certificate is not trusted");
        assertThat(clock.sleeps()).as("waits before retries").isEmpty();
    }

    @Test
    void should_say_that_a_server_behind_an_https_url_does_not_speak_tls() {
        Throwable failure = failureOf("https://127.0.0.1:" + server.getPort() + "/thing");

        assertThat(failure)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not speak TLS")
                .hasMessageContaining("http://");
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void should_say_that_another_protocol_answers_at_the_port() throws IOException {
        try (ServerSocket ssh = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread banner = new Thread(() -> {
                while (!ssh.isClosed()) {
                    try (Socket socket = ssh.accept();
                            OutputStream out = socket.getOutputStream()) {
                        out.write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        socket.getInputStream().read(new byte[1024]);
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                }
            });
            banner.setDaemon(true);
            banner.start();

            Throwable failure = failureOf("http://127.0.0.1:" + ssh.getLocalPort() + "/thing");

            assertThat(failure)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("does not answer in HTTP")
                    .hasMessageNotContaining("OpenSSH");
            assertThat(clock.sleeps()).isEmpty();
        }
    }

    /**
     * The same protocol failure after the server has answered in HTTP is a fault on the way (a proxy's
     * garbled answer on a reused connection), not a wrong URL: retried, and the next answer is taken.
     */
    @Test
    void should_retry_a_protocol_failure_once_the_server_has_answered_in_http() throws IOException {
        try (ServerSocket flaky = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answers = new Thread(() -> {
                for (int connection = 0; !flaky.isClosed(); connection++) {
                    try (Socket socket = flaky.accept();
                            OutputStream out = socket.getOutputStream()) {
                        socket.getInputStream().read(new byte[4096]);
                        String answer = connection == 1
                                ? "SSH-2.0-garbled\r\n"
                                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                        out.write(answer.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                }
            });
            answers.setDaemon(true);
            answers.start();
            RetrySettings settings = new RetrySettings(
                    "Chroma", 10, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));
            HttpService service = new HttpService(HttpClients.shared(), settings, clock.timing());
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + flaky.getLocalPort() + "/thing")
                    .build();

            try (Response first = service.execute(request)) {
                assertThat(first.code()).isEqualTo(200);
            }
            try (Response second = service.execute(request)) {
                assertThat(second.code()).isEqualTo(200);
            }
            assertThat(clock.sleeps()).hasSize(1);
        }
    }
}
