package io.vectorsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vectorsink.testing.FaultProxy.Fault;
import io.vectorsink.testing.FaultProxy.Plan;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy does what it claims, seen from an OkHttp client like the connector's. */
class FaultProxyTest {
    private static final MediaType JSON = MediaType.get("application/json");

    private final AtomicInteger peerHits = new AtomicInteger();
    private HttpServer peer;
    private FaultProxy proxy;
    private OkHttpClient client;

    @BeforeEach
    void setUp() throws IOException {
        // A peer that echoes what it received; without TCP_NODELAY its head and body writes would meet
        // the client's delayed ACK and every answer would take 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/", exchange -> {
            peerHits.incrementAndGet();
            byte[] received = exchange.getRequestBody().readAllBytes();
            var echo = Messages.json("{}");
            echo.put("method", exchange.getRequestMethod());
            echo.put("target", exchange.getRequestURI().toString());
            echo.put("type", exchange.getRequestHeaders().getFirst("Content-Type"));
            echo.put("auth", exchange.getRequestHeaders().getFirst("Authorization"));
            echo.put("body", new String(received, StandardCharsets.UTF_8));
            echo.put("padding", "p".repeat(2000));
            byte[] answer = echo.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Peer", "yes");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        peer.start();
        proxy = new FaultProxy("http://127.0.0.1:" + peer.getAddress().getPort(), 42);
        client = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .readTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        peer.stop(0);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private Request post(String path, String body) {
        return new Request.Builder()
                .url(proxy.url() + path)
                .header("Authorization", "Bearer t")
                .post(RequestBody.create(body, JSON))
                .build();
    }

    private static JsonNode json(Response response) throws IOException {
        return Messages.json(response.body().string());
    }

    @Test
    void should_forward_method_target_headers_and_body_over_one_kept_alive_connection() throws IOException {
        for (int i = 0; i < 3; i++) {
            try (Response response = client.newCall(post("/api/v2/x/upsert?q=" + i, "{\"n\":" + i + "}"))
                    .execute()) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.header("X-Peer")).isEqualTo("yes");
                JsonNode echo = json(response);
                assertThat(echo.get("method").asText()).isEqualTo("POST");
                assertThat(echo.get("target").asText()).isEqualTo("/api/v2/x/upsert?q=" + i);
                assertThat(echo.get("type").asText()).startsWith("application/json");
                assertThat(echo.get("auth").asText()).isEqualTo("Bearer t");
                assertThat(echo.get("body").asText()).isEqualTo("{\"n\":" + i + "}");
            }
        }
        try (Response response = client.newCall(new Request.Builder()
                        .url(proxy.url() + "/api/v2/heartbeat")
                        .build())
                .execute()) {
            assertThat(json(response).get("method").asText()).isEqualTo("GET");
        }
        assertThat(client.connectionPool().connectionCount()).isEqualTo(1);
        assertThat(proxy.requests()).isEqualTo(4);
        assertThat(proxy.injectedTotal()).isZero();
    }

    @Test
    void should_report_each_request_the_peer_answered_and_none_it_never_saw() throws IOException {
        List<FaultProxy.Exchange> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        proxy.observe(seen::add).plan(Plan.always(Fault.UNAVAILABLE).only(request -> request.endsWith("/delete")));
        try (Response response =
                client.newCall(post("/api/v2/c/get?x=1", "{\"ids\":[\"a\"]}")).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        try (Response response = client.newCall(post("/api/v2/c/delete", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(503);
        }
        assertThat(seen).hasSize(1);
        FaultProxy.Exchange exchange = seen.get(0);
        assertThat(exchange.method()).isEqualTo("POST");
        assertThat(exchange.target()).isEqualTo("/api/v2/c/get?x=1");
        assertThat(new String(exchange.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ids\":[\"a\"]}");
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.nanos()).isPositive();
    }

    @Test
    void should_answer_429_with_retry_after_without_reaching_the_peer() throws IOException {
        proxy.plan(Plan.always(Fault.TOO_MANY_REQUESTS)).retryAfter(Duration.ofSeconds(3));
        try (Response response = client.newCall(post("/a", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.header("Retry-After")).isEqualTo("3");
        }
        assertThat(peerHits).hasValue(0);
    }

    @Test
    void should_answer_503_without_reaching_the_peer() throws IOException {
        proxy.plan(Plan.always(Fault.UNAVAILABLE));
        try (Response response = client.newCall(post("/a", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(503);
        }
        assertThat(peerHits).hasValue(0);
    }

    @Test
    void should_replace_the_peers_answer_with_500_or_502_after_it_did_the_work() throws IOException {
        proxy.plan(Plan.always(Fault.INTERNAL_ERROR));
        try (Response response = client.newCall(post("/a", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(500);
        }
        proxy.plan(Plan.always(Fault.BAD_GATEWAY));
        try (Response response = client.newCall(post("/a", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(502);
        }
        assertThat(peerHits).hasValue(2);
    }

    @Test
    void should_reset_the_connection_before_forwarding() {
        proxy.plan(Plan.always(Fault.RESET_BEFORE));
        assertThatThrownBy(() -> client.newCall(post("/a", "{}")).execute()).isInstanceOf(IOException.class);
        assertThat(peerHits).hasValue(0);
    }

    @Test
    void should_reset_the_connection_after_the_peer_did_the_work() {
        proxy.plan(Plan.always(Fault.RESET_AFTER));
        assertThatThrownBy(() -> client.newCall(post("/a", "{}")).execute()).isInstanceOf(IOException.class);
        assertThat(peerHits).hasValue(1);
    }

    @Test
    void should_stay_silent_until_the_clients_read_timeout_when_stalling() {
        proxy.plan(Plan.always(Fault.STALL)).stall(Duration.ofSeconds(30), 1);
        OkHttpClient impatient =
                client.newBuilder().readTimeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> impatient.newCall(post("/a", "{}")).execute())
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(peerHits).hasValue(1);
    }

    @Test
    void should_deliver_a_slow_body_whole() throws IOException {
        proxy.plan(Plan.always(Fault.SLOW_BODY)).slowBody(5, Duration.ofMillis(20));
        try (Response response = client.newCall(post("/slow", "{\"k\":1}")).execute()) {
            assertThat(json(response).get("body").asText()).isEqualTo("{\"k\":1}");
        }
        assertThat(proxy.injected()).containsEntry(Fault.SLOW_BODY, 1);
    }

    @Test
    void should_cut_a_truncated_answer_short_of_its_declared_length() throws IOException {
        proxy.plan(Plan.always(Fault.TRUNCATED));
        try (Response response = client.newCall(post("/a", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThatThrownBy(() -> response.body().bytes()).isInstanceOf(IOException.class);
        }
        assertThat(peerHits).hasValue(1);
    }

    @Test
    void should_fault_only_the_requests_the_plan_affects() throws IOException {
        proxy.plan(Plan.always(Fault.UNAVAILABLE).only(request -> request.endsWith("/delete")));
        try (Response response = client.newCall(post("/c/upsert", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        try (Response response = client.newCall(post("/c/delete", "{}")).execute()) {
            assertThat(response.code()).isEqualTo(503);
        }
    }

    @Test
    void should_refuse_connections_once_told_to() {
        proxy.refuseConnections();
        // A client without pooled connections: a connection kept from an earlier test whose proxy had the same
        // port would fail with "unexpected end of stream" instead of asking the closed port.
        OkHttpClient unpooled = client.newBuilder()
                .connectionPool(new ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
                .build();
        // The JDK closes a listening socket that another thread is blocked accepting on only once that thread
        // has woken up, so a connect in the moments after close may still be taken, then dropped; the proxy
        // refuses for good within a few tries.
        IOException last = null;
        for (int attempt = 0; attempt < 50 && !(last instanceof ConnectException); attempt++) {
            try (var response = unpooled.newCall(post("/a", "{}")).execute()) {
                throw new AssertionError("answered HTTP " + response.code() + " after refuseConnections");
            } catch (IOException e) {
                last = e;
            }
            if (!(last instanceof ConnectException)) {
                sleepBriefly();
            }
        }
        assertThat(last).isInstanceOf(ConnectException.class);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void should_inject_every_kind_at_the_planned_rate_and_the_same_faults_for_the_same_seed() throws IOException {
        List<String> first = outcomes(proxy, 120);
        assertThat(proxy.injected()).containsOnlyKeys(EnumSet.allOf(Fault.class));
        assertThat(proxy.injected()).containsEntry(Fault.STALL, 1);
        // 120 requests at a rate of 0.4: 48 expected; the bounds are 4.5 standard deviations wide.
        assertThat(proxy.injectedTotal()).isBetween(24, 72);
        try (FaultProxy again =
                new FaultProxy("http://127.0.0.1:" + peer.getAddress().getPort(), 42)) {
            assertThat(outcomes(again, 120)).isEqualTo(first);
        }
    }

    /** Sends {@code n} requests one by one, each on a new connection, and names what happened to each. */
    private List<String> outcomes(FaultProxy target, int n) {
        target.plan(Plan.mix(0.4, EnumSet.allOf(Fault.class)))
                .stall(Duration.ofSeconds(5), 1)
                .slowBody(2, Duration.ofMillis(1))
                .retryAfter(Duration.ofSeconds(1));
        OkHttpClient fresh = client.newBuilder()
                .connectionPool(new ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
                .readTimeout(Duration.ofMillis(300))
                .build();
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Request request = new Request.Builder()
                    .url(target.url() + "/r/" + i)
                    .post(RequestBody.create("{}", JSON))
                    .build();
            try (Response response = fresh.newCall(request).execute()) {
                outcomes.add(response.code() + ":" + response.body().bytes().length);
            } catch (SocketTimeoutException e) {
                outcomes.add("timeout");
            } catch (IOException e) {
                outcomes.add("broken"); // reset or cut short: the exact exception depends on timing
            }
        }
        return outcomes;
    }
}
