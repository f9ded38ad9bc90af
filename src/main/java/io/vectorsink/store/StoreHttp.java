package io.vectorsink.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * HTTP steps every REST store takes the same way: calls that always close their response, the short
 * retry bounds of {@code check}, and small argument checks. What a vendor's status codes mean stays in
 * the vendor's store.
 */
public final class StoreHttp {
    private StoreHttp() {}

    /** A closed answer: the parsed body of a success, or the status of a failure. */
    public record Answer(int code, JsonNode json, HttpStatus status) {
        /** Whether the call succeeded (then {@link #json} holds the body and {@link #status} is null). */
        public boolean ok() {
            return status == null;
        }
    }

    /**
     * Executes {@code request} through {@code service} (with its retries) and closes the response.
     *
     * @param vendor the store's name as messages show it, such as {@code "Qdrant"}
     */
    public static Answer send(HttpService service, Request request, String vendor) {
        try (Response response = service.execute(request)) {
            if (!response.isSuccessful()) {
                return new Answer(response.code(), null, HttpStatus.of(response));
            }
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            JsonNode json = bytes.length == 0 ? MissingNode.getInstance() : Json.MAPPER.readTree(bytes);
            return new Answer(response.code(), json, null);
        } catch (JsonProcessingException e) {
            throw new SystemException(vendor + " sent a malformed JSON answer to " + describe(request), e);
        } catch (IOException e) {
            // The status line arrived but the body broke off: the outcome of the call is unknown.
            throw new TransientException(
                    vendor + "'s answer to " + describe(request) + " broke off: " + HttpErrors.describe(e), e);
        }
    }

    /** A request as messages show it: method and path, never the query (it may hold a key). */
    public static String describe(Request request) {
        return request.method() + " " + request.url().encodedPath();
    }

    /**
     * The service {@code check} calls through: check answers a person who waits for it, so seconds (at
     * most 3 attempts within 20 seconds), not the sync's minutes of retries.
     */
    public static HttpService forCheck(HttpService http, RetrySettings retry) {
        return http.withSettings(retry.withMaxAttempts(Math.min(3, retry.maxAttempts()))
                .withMaxDuration(min(retry.maxDuration(), Duration.ofSeconds(20))));
    }

    /** {@code url} without one trailing slash, as messages show a configured URL. */
    public static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** @throws SystemException when {@code dimension} is below 1 (a caller bug) */
    public static void requirePositive(int dimension) {
        if (dimension < 1) {
            throw new SystemException("the embedding dimension must be >= 1, got " + dimension);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
