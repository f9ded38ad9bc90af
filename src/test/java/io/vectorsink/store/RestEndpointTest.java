package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The pieces every REST store shares: the failure policy, check's reachability, and the preambles. */
class RestEndpointTest {
    private final FakeRetryTiming clock = new FakeRetryTiming();

    private RestEndpoint endpoint(String url, RestEndpoint.VendorFailures failures) {
        return RestEndpoint.at("Acme", HttpUrl.get(url))
                .target("collection 'docs'")
                .failures(failures)
                .build(
                        HttpClients.shared(),
                        clock.timing(),
                        RetrySettings.forService("Acme", AdvancedConfig.defaults()));
    }

    private RestEndpoint endpoint() {
        return endpoint("http://127.0.0.1:1/", RestEndpoint.VendorFailures.NONE);
    }

    @Test
    void should_read_a_404_as_a_missing_api_before_prepare_and_as_a_vanished_collection_after() {
        RestEndpoint endpoint = endpoint();
        HttpStatus notFound = new HttpStatus(404, "");

        assertThat(endpoint.failure(notFound, "upsert")).isInstanceOf(ConfigException.class);
        endpoint.markPrepared();
        assertThat(endpoint.failure(notFound, "upsert"))
                .isInstanceOf(TransientException.class)
                .hasMessage("Acme collection 'docs' disappeared during the sync (upsert answered HTTP 404); the next"
                        + " attempt creates it again");
    }

    @Test
    void should_name_the_action_of_a_refused_request_and_leave_credentials_to_the_config() {
        RestEndpoint endpoint = endpoint();

        assertThat(endpoint.failure(new HttpStatus(400, "bad filter"), "delete stale chunks"))
                .isInstanceOf(SystemException.class)
                .hasMessage("Acme refused to delete stale chunks (HTTP 400: bad filter)");
        assertThat(endpoint.failure(new HttpStatus(401, ""), "upsert"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("credentials (HTTP 401)");
        assertThat(endpoint.failure(new HttpStatus(503, ""), "upsert")).isInstanceOf(SystemException.class);
    }

    /** Without credentials, "rejected the credentials" sent the user looking for a mistake in none. */
    @Test
    void should_say_that_credentials_are_needed_when_none_were_sent() {
        RestEndpoint anonymous = endpoint();
        RestEndpoint withKey = RestEndpoint.at("Acme", HttpUrl.get("http://127.0.0.1:1/"))
                .headers(Headers.of("api-key", "acme-key-123"))
                .build(
                        HttpClients.shared(),
                        clock.timing(),
                        RetrySettings.forService("Acme", AdvancedConfig.defaults()));

        assertThat(anonymous.failure(new HttpStatus(401, ""), "upsert"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Acme asks for credentials (HTTP 401) and the config gives none: set them in the indexing"
                        + " section");
        assertThat(withKey.failure(new HttpStatus(401, ""), "upsert"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Acme rejected the credentials (HTTP 401)");
    }

    @Test
    void should_ask_the_vendor_first_and_fall_back_to_the_shared_policy() {
        RestEndpoint endpoint = endpoint(
                "http://127.0.0.1:1/",
                (status, action, prepared) ->
                        status.code() == 422 ? new ConfigException("vendor: " + action + " " + prepared) : null);

        assertThat(endpoint.failure(new HttpStatus(422, ""), "write")).hasMessage("vendor: write false");
        assertThat(endpoint.failure(new HttpStatus(409, ""), "write")).isInstanceOf(SystemException.class);
    }

    @Test
    void should_fail_check_in_plain_words_and_within_seconds_when_the_endpoint_is_unreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RestEndpoint endpoint =
                endpoint("http://user:secret@127.0.0.1:" + port + "/", RestEndpoint.VendorFailures.NONE);

        assertThatThrownBy(() -> endpoint.sendForCheck(endpoint.get(endpoint.url("health"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Acme at http://127.0.0.1:" + port + " is not reachable: connection refused");
        assertThat(clock.sleeps()).hasSize(2); // check's short bound: 3 attempts
    }

    @Test
    void should_send_both_halves_of_a_batch_refused_as_too_large() {
        List<List<String>> sent = new ArrayList<>();
        Answer tooLarge = new Answer(413, null, new HttpStatus(413, ""));

        assertThat(RestVectorStore.sentInHalves(tooLarge, List.of("a", "b", "c"), sent::add))
                .isTrue();
        assertThat(sent).containsExactly(List.of("a"), List.of("b", "c"));
        assertThat(RestVectorStore.sentInHalves(tooLarge, List.of("a"), sent::add))
                .isFalse();
        assertThat(RestVectorStore.sentInHalves(
                        new Answer(400, null, new HttpStatus(400, "")), List.of("a", "b"), sent::add))
                .isFalse();
    }

    @Test
    void should_hand_the_store_one_point_per_id_the_last_one_sent_winning() {
        ChunkPoint a1 = point("a", "first");
        ChunkPoint b = point("b", "only");
        ChunkPoint a2 = point("a", "second");

        assertThat(RestVectorStore.lastById(List.of(a1, b, a2))).containsExactly(b, a2);
    }

    @Test
    void should_refuse_writes_before_prepare_and_send_nothing_for_empty_calls() {
        List<String> calls = new ArrayList<>();
        RestVectorStore store = new RecordingStore(endpoint(), calls);

        store.upsert(List.of());
        store.deleteChunks(List.of());
        assertThat(calls).isEmpty();
        assertThatThrownBy(() -> store.upsert(List.of(point("a", "x"))))
                .isInstanceOf(SystemException.class)
                .hasMessage("the Acme store must be prepared before it is used");
        assertThatThrownBy(() -> store.query(new float[] {1}, 0, null)).isInstanceOf(SystemException.class);
        assertThatThrownBy(() -> store.check(0)).isInstanceOf(SystemException.class);

        store.prepare(3);
        store.upsert(List.of(point("a", "x"), point("a", "y")));
        assertThat(calls).containsExactly("prepare 3", "upsert 1");
    }

    private static ChunkPoint point(String id, String document) {
        return new ChunkPoint(id, new float[] {1, 0, 0}, document, Map.of());
    }

    /** A store whose steps only record that they ran. */
    private static final class RecordingStore extends RestVectorStore {
        private final List<String> calls;

        RecordingStore(RestEndpoint endpoint, List<String> calls) {
            super(endpoint);
            this.calls = calls;
        }

        @Override
        protected void doCheck(int dimension) {
            calls.add("check " + dimension);
        }

        @Override
        protected void doPrepare(int dimension) {
            calls.add("prepare " + dimension);
            endpoint.markPrepared();
        }

        @Override
        protected void doUpsert(Collection<ChunkPoint> points) {
            calls.add("upsert " + points.size());
        }

        @Override
        protected void doDeleteChunks(List<RecordTrim> trims) {
            calls.add("deleteChunks " + trims.size());
        }

        @Override
        protected void doDeleteStale(StreamId stream, StaleFilter filter) {
            calls.add("deleteStale " + stream);
        }

        @Override
        protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
            calls.add("query " + limit);
            return List.of();
        }

        @Override
        public MetadataRules metadataRules() {
            return MetadataRules.unlimited();
        }
    }

    /**
     * A web page where the API should be (a reverse proxy's default page, a dashboard's port) is a wrong URL
     * for the user to fix; it was reported as "sent a malformed JSON answer", a system error. JSON that
     * breaks off is still the store's fault.
     */
    @Test
    void should_call_an_html_page_a_wrong_url_and_broken_json_a_system_failure() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/page", exchange -> answer(exchange, "text/html", "<!DOCTYPE html><h1>Welcome</h1>"));
        server.createContext("/untyped", exchange -> answer(exchange, null, "\n  <html><body>Login</body></html>"));
        server.createContext("/broken", exchange -> answer(exchange, "application/json", "{\"a\": "));
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            RestEndpoint endpoint = endpoint(url + "/", RestEndpoint.VendorFailures.NONE);

            for (String page : List.of("/page", "/untyped")) {
                assertThatThrownBy(() -> endpoint.send(endpoint.get(HttpUrl.get(url + page))))
                        .isInstanceOf(ConfigException.class)
                        .hasMessage("Acme at " + url + " answered GET " + page + " with a web page (HTML), not"
                                + " the JSON of Acme's API: check the URL and its port");
            }
            assertThatThrownBy(() -> endpoint.send(endpoint.get(HttpUrl.get(url + "/broken"))))
                    .isInstanceOf(SystemException.class)
                    .hasMessage("Acme sent a malformed JSON answer to GET /broken");
        } finally {
            server.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
