package io.vectorsink.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The check of WireMock exchanges against a vendor's definition finds what it must, here with Qdrant's. */
class ExchangeCheckTest {
    private static final ApiDefinition QDRANT = ApiDefinition.load("vendor-api/qdrant/openapi-v1.19.json");
    private static final String COMPLETED =
            "{\"result\":{\"operation_id\":1,\"status\":\"completed\"},\"status\":\"ok\",\"time\":0.002}";

    private final HttpClient client = HttpClient.newHttpClient();
    private ExchangeCheck check;
    private WireMockServer server;

    @BeforeEach
    void start() {
        check = ExchangeCheck.against("Qdrant", QDRANT);
        server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(check));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private int send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void should_pass_and_count_an_exchange_that_matches_the_definition() throws Exception {
        server.stubFor(any(anyUrl()).willReturn(okJson(COMPLETED)));

        send(
                "PUT",
                "/collections/c/points?wait=true",
                "{\"points\":[{\"id\":\"5c56c793-69f3-4fbf-87e6-c4bf54c28c26\",\"vector\":[1,0],\"payload\":{}}]}");

        check.assertAllValid();
        assertThat(check.summary()).contains("1 requests and 1 answers checked");
    }

    @Test
    void should_fail_on_a_request_body_the_definition_does_not_allow() throws Exception {
        server.stubFor(any(anyUrl()).willReturn(okJson(COMPLETED)));

        send(
                "PUT",
                "/collections/c/points?wait=true",
                "{\"points\":[{\"id\":\"not a uuid or number\",\"vector\":[1]}]}");

        assertThatThrownBy(check::assertAllValid)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PUT /collections/c/points?wait=true")
                .hasMessageContaining("validation.request.body");
        check.assertAllValid(); // reported once, then forgotten
    }

    @Test
    void should_read_a_form_value_of_a_composed_query_parameter_as_the_string_or_number_it_is() throws Exception {
        server.stubFor(any(anyUrl())
                .willReturn(okJson("{\"result\":{\"points\":[],\"next_page_offset\":null},\"status\":\"ok\"}")));
        String scroll = "{\"limit\":10,\"with_vector\":false}";

        // Qdrant's consistency is a number of replicas or one of majority, quorum, all.
        send("POST", "/collections/c/points/scroll?consistency=all", scroll);
        send("POST", "/collections/c/points/scroll?consistency=2", scroll);
        check.assertAllValid();

        send("POST", "/collections/c/points/scroll?consistency=sometimes", scroll);
        assertThatThrownBy(check::assertAllValid).hasMessageContaining("consistency=sometimes");
    }

    @Test
    void should_fail_on_an_operation_the_definition_does_not_have() throws Exception {
        server.stubFor(any(anyUrl()).willReturn(okJson("{\"result\":[],\"status\":\"ok\",\"time\":0.001}")));

        send("POST", "/collections/c/points/search", "{\"vector\":[1,0],\"limit\":3}");

        assertThatThrownBy(check::assertAllValid).hasMessageContaining("validation.request.operation.notAllowed");
    }

    @Test
    void should_fail_on_an_answer_without_a_field_the_definition_requires() throws Exception {
        server.stubFor(any(anyUrl())
                .willReturn(okJson("{\"result\":{\"status\":\"green\",\"optimizer_status\":\"ok\",\"segments_count\":1,"
                        + "\"payload_schema\":{},\"config\":{\"params\":{}}},\"status\":\"ok\",\"time\":0.001}")));

        send("GET", "/collections/c", null);

        assertThatThrownBy(check::assertAllValid)
                .hasMessageContaining("validation.response.body.schema.required")
                .hasMessageContaining("hnsw_config");
    }

    @Test
    void should_check_only_the_request_of_an_answer_marked_as_a_fault() throws Exception {
        server.stubFor(any(anyUrl())
                .withMetadata(ExchangeCheck.FAULT)
                .willReturn(aResponse().withStatus(503)));

        assertThat(send("GET", "/collections/c", null)).isEqualTo(503);
        check.assertAllValid();

        send("POST", "/collections/c/points/search", "{\"vector\":[1,0],\"limit\":3}");
        assertThatThrownBy(check::assertAllValid).hasMessageContaining("notAllowed");
    }
}
