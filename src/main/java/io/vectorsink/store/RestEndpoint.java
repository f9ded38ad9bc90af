package io.vectorsink.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.ItemResends;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One vendor's REST API as a store reaches it: the base URL and the URL messages show, the headers every
 * request carries, the two retrying services (the sync's, and check's shorter one), the request builders,
 * and one failure policy for unsuccessful answers. A store keeps only what its vendor does differently:
 * the bodies, the answers' meaning, and the vendor's own failure cases ({@link VendorFailures}).
 *
 * <p>The failure policy, in order: the vendor's own reading, if it has one; a 404 once the store is
 * prepared means its collection disappeared during the sync (transient: the next attempt creates it
 * again); any other 4xx but 401, 403, 404 and 405 is a request the vendor refused (system); the rest is
 * {@link HttpErrors#classify}: credentials, redirects and a URL that is not the vendor's API are config
 * errors. Thread-safe.
 */
public final class RestEndpoint {
    private static final MediaType JSON = MediaType.get("application/json");

    /** check answers a person who waits for it: at most 3 attempts within this, not the sync's minutes. */
    private static final Duration CHECK_MAX_DURATION = Duration.ofSeconds(20);

    /** A closed answer: the parsed body of a success, or the status of a failure. */
    public record Answer(int code, JsonNode json, HttpStatus status) {
        /** Whether the call succeeded (then {@link #json} holds the body and {@link #status} is null). */
        public boolean ok() {
            return status == null;
        }
    }

    /** A vendor's own reading of an unsuccessful answer, asked before the shared policy. */
    @FunctionalInterface
    public interface VendorFailures {
        /** The shared policy alone. */
        VendorFailures NONE = (status, action, prepared) -> null;

        /**
         * @param action what the request did, as in "Chroma refused to {@code action}"
         * @param prepared whether the store was prepared (its collection known) when the answer came
         * @return the exception for {@code status}, or null to apply the shared policy
         */
        ConnectorException read(HttpStatus status, String action, boolean prepared);
    }

    private final String vendor;
    private final HttpUrl base;
    private final String shownUrl;
    private final Headers headers;
    private final String target;
    private final VendorFailures vendorFailures;
    private final HttpService sync;
    private final HttpService check;
    private final RetryTiming timing;

    private volatile boolean prepared;

    private RestEndpoint(Builder builder, OkHttpClient client, RetryTiming timing, RetrySettings retry) {
        this.vendor = builder.vendor;
        this.base = builder.base;
        this.shownUrl = builder.shownUrl;
        this.headers = builder.headers;
        this.target = builder.target;
        this.vendorFailures = builder.vendorFailures;
        this.timing = Objects.requireNonNull(timing, "timing");
        this.sync = new HttpService(client, retry, timing);
        // check answers a person who waits for it: seconds, not the sync's minutes of retries.
        this.check = sync.withSettings(retry.withMaxAttempts(Math.min(3, retry.maxAttempts()))
                .withMaxDuration(min(retry.maxDuration(), CHECK_MAX_DURATION)));
    }

    /**
     * An endpoint of {@code vendor} at the configured {@code url}: its query and fragment dropped, shown
     * in messages without credentials and without a trailing slash.
     *
     * @param vendor the store's name as messages show it, such as {@code "Qdrant"}
     */
    public static Builder at(String vendor, HttpUrl url) {
        return new Builder(vendor, url);
    }

    /** {@code url} as messages show it: without credentials and without a trailing slash. */
    public static String shown(HttpUrl url) {
        String shown = HttpsPolicy.withoutCredentials(url);
        return shown.endsWith("/") ? shown.substring(0, shown.length() - 1) : shown;
    }

    /** How one endpoint is set up; {@link #build} makes it. */
    public static final class Builder {
        private final String vendor;
        private HttpUrl base;
        private String shownUrl;
        private Headers headers = Headers.of();
        private String target = "collection";
        private VendorFailures vendorFailures = VendorFailures.NONE;

        private Builder(String vendor, HttpUrl url) {
            this.vendor = Objects.requireNonNull(vendor, "vendor");
            this.base = url.newBuilder().query(null).fragment(null).build();
            this.shownUrl = shown(url);
        }

        /** Requests go below {@code base} instead of the configured URL (a vendor's API prefix). */
        public Builder base(HttpUrl base) {
            this.base = Objects.requireNonNull(base, "base");
            return this;
        }

        /** Messages name the endpoint as {@code shownUrl} (never with credentials). */
        public Builder shownAs(String shownUrl) {
            this.shownUrl = Objects.requireNonNull(shownUrl, "shownUrl");
            return this;
        }

        /** Headers every request carries; their secrets must already be registered with Secrets. */
        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** What the store writes to, as messages name it: {@code "collection 'docs'"}. */
        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** The vendor's own failure cases, asked before the shared policy. */
        public Builder failures(VendorFailures vendorFailures) {
            this.vendorFailures = Objects.requireNonNull(vendorFailures, "vendorFailures");
            return this;
        }

        public RestEndpoint build(OkHttpClient client, RetryTiming timing, RetrySettings retry) {
            return new RestEndpoint(this, client, timing, retry);
        }
    }

    // ---- what the store reads -------------------------------------------------------------------

    /** The vendor's name as messages show it. */
    public String vendor() {
        return vendor;
    }

    /** The configured URL without credentials, fit for messages. */
    public String shownUrl() {
        return shownUrl;
    }

    /** The service of the sync: the configured retry bounds. */
    public HttpService sync() {
        return sync;
    }

    /** The service of {@code check}: a short retry bound. */
    public HttpService check() {
        return check;
    }

    /** A fresh bound for resending the items a successful answer refused, on the sync's service. */
    public ItemResends itemResends() {
        return ItemResends.start(sync, timing);
    }

    /**
     * Records that the store is prepared: from now on a 404 means the collection disappeared during the
     * sync, not a URL that is not the vendor's.
     */
    public void markPrepared() {
        prepared = true;
    }

    public boolean prepared() {
        return prepared;
    }

    // ---- requests -------------------------------------------------------------------------------

    /** The base URL followed by {@code segments}, each escaped as one path segment. */
    public HttpUrl url(String... segments) {
        HttpUrl.Builder builder = base.newBuilder();
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        return builder.build();
    }

    public Request get(HttpUrl url) {
        return new Request.Builder().url(url).headers(headers).get().build();
    }

    /** A POST of a JSON body. */
    public Request post(HttpUrl url, byte[] body) {
        return withBody("POST", url, body, JSON);
    }

    /** A POST of a body of another media type (such as newline-delimited JSON). */
    public Request post(HttpUrl url, byte[] body, MediaType type) {
        return withBody("POST", url, body, type);
    }

    /** A PUT of a JSON body. */
    public Request put(HttpUrl url, byte[] body) {
        return withBody("PUT", url, body, JSON);
    }

    /** A PATCH of a JSON body (a merge, such as Weaviate's object update). */
    public Request patch(HttpUrl url, byte[] body) {
        return withBody("PATCH", url, body, JSON);
    }

    /** A DELETE with a JSON body. */
    public Request delete(HttpUrl url, byte[] body) {
        return withBody("DELETE", url, body, JSON);
    }

    private Request withBody(String method, HttpUrl url, byte[] body, MediaType type) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .method(method, RequestBody.create(body, type))
                .build();
    }

    // ---- answers --------------------------------------------------------------------------------

    /** Sends {@code request} through {@code service} (with its retries); the response is closed. */
    public Answer send(HttpService service, Request request) {
        try (Response response = service.execute(request)) {
            if (!response.isSuccessful()) {
                return new Answer(response.code(), null, HttpStatus.of(response));
            }
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            try {
                // Numbers as doubles: an answer with stored vectors is thousands of them (see Json.ANSWERS).
                JsonNode json = bytes.length == 0 ? MissingNode.getInstance() : Json.ANSWERS.readTree(bytes);
                return new Answer(response.code(), json, null);
            } catch (JsonProcessingException e) {
                if (HttpErrors.isWebPage(body.contentType(), bytes)) {
                    throw new ConfigException(vendor + " at " + shownUrl + " answered " + describe(request)
                            + " with a web page (HTML), not the JSON of " + vendor + "'s API: check the URL and"
                            + " its port");
                }
                throw new SystemException(vendor + " sent a malformed JSON answer to " + describe(request), e);
            }
        } catch (IOException e) {
            // The status line arrived but the body broke off: the outcome of the call is unknown.
            throw new TransientException(
                    vendor + "'s answer to " + describe(request) + " broke off: " + HttpErrors.describe(e), e);
        }
    }

    /** A request as messages show it: method and path, never the query (it may hold a key). */
    private static String describe(Request request) {
        return request.method() + " " + request.url().encodedPath();
    }

    /** Sends {@code request} through the sync's service. */
    public Answer send(Request request) {
        return send(sync, request);
    }

    /**
     * Sends {@code request} as {@code check} does: through its short bound, and an endpoint that cannot
     * be reached is a config error that names the URL.
     */
    public Answer sendForCheck(Request request) {
        try {
            return send(check, request);
        } catch (TransientException e) {
            throw unreachable(e);
        }
    }

    /**
     * The config error for an endpoint that could not be reached (the cause of {@code e} is an I/O
     * failure), or {@code e} itself for any other transient failure.
     */
    public RuntimeException unreachable(TransientException e) {
        if (e.getCause() instanceof IOException io) {
            return new ConfigException(vendor + " at " + shownUrl + " is not reachable: " + HttpErrors.describe(io), e);
        }
        return e;
    }

    /** The answer's JSON; an unsuccessful answer throws what {@link #failure} makes of it. */
    public JsonNode require(Answer answer, String action) {
        if (!answer.ok()) {
            throw failure(answer.status(), action);
        }
        return answer.json();
    }

    /** {@link #send(Request)}, then {@link #require}. */
    public JsonNode call(Request request, String action) {
        return require(send(request), action);
    }

    /** The exception for a final unsuccessful answer to {@code action}; see the class comment. */
    public ConnectorException failure(HttpStatus status, String action) {
        boolean known = prepared;
        ConnectorException special = vendorFailures.read(status, action, known);
        if (special != null) {
            return special;
        }
        int code = status.code();
        if (code == 404 && known) {
            return new TransientException(vendor + " " + target + " disappeared during the sync (" + action
                    + " answered HTTP 404); the next attempt creates it again");
        }
        if (code == 401 && headers.size() == 0) {
            return new ConfigException(vendor + " asks for credentials (HTTP 401) and the config gives none: set them"
                    + " in the indexing section");
        }
        if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 404 && code != 405) {
            return new SystemException(vendor + " refused to " + action + " (" + status.describe() + ")");
        }
        return HttpErrors.classify(vendor, status);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
