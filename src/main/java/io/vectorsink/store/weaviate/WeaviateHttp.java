package io.vectorsink.store.weaviate;

import static io.vectorsink.store.StoreHttp.stripSlash;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.store.StoreHttp;
import io.vectorsink.store.StoreHttp.Answer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The HTTP seam of the Weaviate store: its URLs, the headers every request carries (credentials and extra
 * headers, registered as secrets before anything can show them), the two retrying services (the sync's and
 * check's shorter one) and how a Weaviate status becomes a config, transient or system error. Kept apart so
 * the store and {@link WeaviateSchema} build and judge requests one way. Thread-safe.
 */
final class WeaviateHttp {
    static final String SERVICE = "Weaviate";

    /** The oldest Weaviate with {@code ContainsAny} (1.21); {@code field} tokenization came in 1.19. */
    static final int[] MIN_VERSION = {1, 21};

    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpUrl base;
    private final String shownUrl;
    private final Headers headers;
    private final HttpService sync;
    private final HttpService check;

    /**
     * Set once a class is known: from then on a 404 most likely means a class was deleted during the sync
     * (worth a retry that creates it again), not a host that is not Weaviate.
     */
    private volatile boolean classesKnown;

    WeaviateHttp(
            IndexingConfig.Weaviate config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        HttpUrl url = HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp());
        this.base = url.newBuilder().query(null).fragment(null).build();
        this.shownUrl = stripSlash(HttpsPolicy.withoutCredentials(url));
        Headers.Builder builder = new Headers.Builder();
        // Secrets first: nothing below may log or throw with a value that is not yet redacted.
        config.extraHeaders().values().forEach(Secrets::register);
        config.extraHeaders().forEach(builder::add);
        if (config.auth() instanceof IndexingConfig.WeaviateAuth.ApiKey key) {
            Secrets.register(key.apiKey());
            builder.add("Authorization", "Bearer " + key.apiKey());
        } else if (config.auth() instanceof IndexingConfig.WeaviateAuth.BearerToken token) {
            Secrets.register(token.token());
            builder.add("Authorization", "Bearer " + token.token());
        }
        this.headers = builder.build();
        this.sync = new HttpService(client, retry, timing);
        // check answers a person who waits for it: seconds, not the sync's minutes of retries.
        this.check = StoreHttp.forCheck(sync, retry);
    }

    /** The service of the sync: the configured retry bounds. */
    HttpService sync() {
        return sync;
    }

    /** The service of {@code check}: a short retry bound. */
    HttpService check() {
        return check;
    }

    /** The configured host without credentials, fit for messages. */
    String shownUrl() {
        return shownUrl;
    }

    /** Records that a class is known; see {@link #failure}. */
    void classKnown() {
        classesKnown = true;
    }

    static Answer send(HttpService service, Request request) {
        return StoreHttp.send(service, request, SERVICE);
    }

    /** The answer's JSON; a failed answer throws the error {@link #failure} makes of it. */
    JsonNode require(Answer answer, String action) {
        if (!answer.ok()) {
            throw failure(answer.status(), action);
        }
        return answer.json();
    }

    private ConnectorException failure(HttpStatus status, String action) {
        int code = status.code();
        if (code == 404 && classesKnown) {
            return new TransientException("Weaviate answered HTTP 404 to " + action + "; a class may have been"
                    + " deleted during the sync; the sync's next attempt (a new process) creates it again");
        }
        if (code == 404) {
            return new ConfigException(shownUrl + " does not answer like Weaviate's REST API (" + action + ": "
                    + status.describe() + "); check indexing.host and that it names the REST port (8080 by default)");
        }
        if (code == 422) {
            return new ConfigException("Weaviate refused to " + action + " (" + status.describe() + ")");
        }
        if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 405) {
            return new SystemException("Weaviate refused to " + action + " (" + status.describe() + ")");
        }
        return HttpErrors.classify(SERVICE, status);
    }

    /** Reads {@code /v1/meta} with {@code service} and refuses a Weaviate older than {@link #MIN_VERSION}. */
    void requireVersion(HttpService service) {
        JsonNode meta = require(send(service, get(url("meta"))), "read /v1/meta");
        String version = meta.path("version").asText("");
        Matcher parts = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!parts.find()) {
            throw new ConfigException(
                    shownUrl + " does not answer /v1/meta like Weaviate (no version); check" + " indexing.host");
        }
        int major = Integer.parseInt(parts.group(1));
        int minor = Integer.parseInt(parts.group(2));
        if (major < MIN_VERSION[0] || (major == MIN_VERSION[0] && minor < MIN_VERSION[1])) {
            throw new ConfigException("Weaviate at " + shownUrl + " is version " + version + "; vectorsink needs "
                    + MIN_VERSION[0] + "." + MIN_VERSION[1] + " or later (for ContainsAny filters)");
        }
    }

    /** {@code /v1/} followed by {@code segments}, each escaped as one path segment. */
    HttpUrl url(String... segments) {
        HttpUrl.Builder builder = base.newBuilder().addPathSegment("v1");
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        return builder.build();
    }

    Request get(HttpUrl url) {
        return new Request.Builder().url(url).headers(headers).get().build();
    }

    Request post(HttpUrl url, byte[] body) {
        return withBody("POST", url, body);
    }

    Request delete(HttpUrl url, byte[] body) {
        return withBody("DELETE", url, body);
    }

    private Request withBody(String method, HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .method(method, RequestBody.create(body, JSON))
                .build();
    }
}
