package io.vectorsink.store.opensearch;

import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.http.HttpService;
import io.vectorsink.store.StoreHttp;
import io.vectorsink.store.StoreHttp.Answer;
import java.nio.charset.StandardCharsets;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/** OpenSearch calls that always close their response, and the authentication headers. */
final class OpenSearchHttp {
    static final MediaType JSON = MediaType.get("application/json");

    /** The bulk API takes newline-delimited JSON. */
    static final MediaType NDJSON = MediaType.get("application/x-ndjson");

    private OpenSearchHttp() {}

    /** Executes {@code request} through {@code service} (with its retries) and closes the response. */
    static Answer send(HttpService service, Request request) {
        return StoreHttp.send(service, request, "OpenSearch");
    }

    static RequestBody json(byte[] body) {
        return RequestBody.create(body, JSON);
    }

    /**
     * The headers for {@code auth}; registers every secret with {@link Secrets} so that an echoed header
     * is redacted from messages.
     */
    static Headers authHeaders(OpenSearchAuth auth) {
        if (auth == null || auth instanceof OpenSearchAuth.None) {
            return Headers.of();
        }
        if (auth instanceof OpenSearchAuth.Basic basic) {
            Secrets.register(basic.password());
            String value = Credentials.basic(basic.username(), basic.password(), StandardCharsets.UTF_8);
            // The encoded pair is as good as the password if a server echoes the header back.
            Secrets.register(value.substring("Basic ".length()));
            return Headers.of("Authorization", value);
        }
        if (auth instanceof OpenSearchAuth.ApiKey key) {
            Secrets.register(key.apiKey());
            return Headers.of("Authorization", "ApiKey " + key.apiKey());
        }
        throw new SystemException("unknown OpenSearch auth " + auth.getClass().getName());
    }
}
