package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** Reading the root answer of OpenSearch or Elasticsearch. */
final class OpenSearchRoot {
    private OpenSearchRoot() {}

    /**
     * The root answer ({@code GET /}): its JSON when it succeeded, else its status; and the server's name as
     * its {@code X-elastic-product} header gives it (Elasticsearch sends it with every answer since 7.14,
     * OpenSearch never), so that even a refusal names the server that answered.
     */
    record Root(JsonNode json, HttpStatus status, String product) {
        /**
         * Elasticsearch leaves {@code X-elastic-product} off the refusals of its security layer; their
         * reasons are worded apart: "unable to authenticate user [..]" and "action [..] is unauthorized for
         * user [..]" (Elasticsearch), "no permissions for [..]" and a plain "Unauthorized" (OpenSearch's
         * security plugin).
         */
        static String productOfRefusal(HttpStatus status) {
            String body = status.bodySnippet();
            if (body.contains("unable to authenticate user [") || body.contains("is unauthorized for user [")) {
                return "Elasticsearch";
            }
            if (body.contains("no permissions for [") || body.equals("Unauthorized")) {
                return "OpenSearch";
            }
            return OpenSearchVectorStore.SERVICE;
        }

        static Root read(HttpService service, Request request) {
            try (Response response = service.execute(request)) {
                boolean elastic = "Elasticsearch".equals(response.header("X-elastic-product"));
                String product = elastic ? "Elasticsearch" : OpenSearchVectorStore.SERVICE;
                if (!response.isSuccessful()) {
                    HttpStatus status = HttpStatus.of(response);
                    return new Root(null, status, elastic ? product : productOfRefusal(status));
                }
                ResponseBody body = response.body();
                byte[] bytes = body == null ? new byte[0] : body.bytes();
                return new Root(
                        Json.MAPPER.readTree(bytes.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : bytes),
                        null,
                        product);
            } catch (JsonProcessingException e) {
                throw new ConfigException(
                        "the root URL of "
                                + request.url()
                                        .newBuilder()
                                        .encodedPath("/")
                                        .query(null)
                                        .build()
                                        .host() + " does not answer with JSON like OpenSearch or Elasticsearch; check"
                                + " indexing.url",
                        e);
            } catch (IOException e) {
                throw new TransientException("the answer at the root URL broke off: " + HttpErrors.describe(e), e);
            }
        }
    }
}
