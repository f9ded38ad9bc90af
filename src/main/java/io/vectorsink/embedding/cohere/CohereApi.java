package io.vectorsink.embedding.cohere;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.embedding.remote.Cl100kTokenCounter;
import io.vectorsink.embedding.remote.EmbeddingApi;
import io.vectorsink.embedding.remote.ErrorBodies;
import io.vectorsink.embedding.remote.RequestLimits;
import io.vectorsink.embedding.remote.Vectors;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Cohere's Embed API v2: {@code POST https://api.cohere.com/v2/embed} with {@code Authorization: Bearer},
 * body {@code {"model", "texts", "input_type": "search_document", "embedding_types": ["float"],
 * "truncate": "NONE"}} (plus {@code output_dimension} for a shortened embed-v4.0), answer
 * {@code {"embeddings": {"float": [[...], ...]}}} in input order.
 *
 * <p>v2 rather than v1: v2 is the current API, the one Cohere's SDKs call, and the only one that offers
 * {@code output_dimension}; its request and answer carry the same texts and floats. {@code truncate} is
 * {@code NONE} because Cohere otherwise cuts long inputs silently ({@code END} is the default): an input
 * over the model's limit fails the request instead, and the message says to lower the chunk size.
 *
 * <p>Limits, from Cohere's API reference: at most 96 texts per call; the v3 models embed 512 tokens of an
 * input, embed-v4.0 128,000 (and that much over one call, as Oracle's page for the model puts it). Cohere's
 * tokenizer is not available offline, so tokens are estimated with cl100k_base and chunks are kept to 80%
 * of the model's window.
 */
public final class CohereApi implements EmbeddingApi {
    /** Cohere's API root. */
    public static final String COHERE_BASE_URL = "https://api.cohere.com";

    static final int MAX_TEXTS = 96;
    static final int V3_CONTEXT = 512;
    static final int V4_CONTEXT = 128_000;
    static final double ESTIMATE_MARGIN = 0.8;

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String SERVICE = "Cohere";

    private final EmbeddingConfig.Cohere config;
    private final HttpUrl url;
    private final Headers headers;
    private final RequestLimits limits;

    private CohereApi(EmbeddingConfig.Cohere config, HttpUrl baseUrl) {
        this.config = config;
        this.url = baseUrl.newBuilder()
                .addPathSegment("v2")
                .addPathSegment("embed")
                .build();
        this.headers = Headers.of(
                "Authorization", "Bearer " + config.apiKey(),
                "Accept", "application/json",
                "X-Client-Name", "vectorsink");
        boolean v4 = config.model().equals(EmbeddingConfig.Cohere.EMBED_V4);
        int context = v4 ? V4_CONTEXT : V3_CONTEXT;
        int estimatedLimit = (int) Math.floor(context * ESTIMATE_MARGIN);
        this.limits = new RequestLimits(MAX_TEXTS, v4 ? estimatedLimit : Integer.MAX_VALUE, context, estimatedLimit);
    }

    /** Cohere at {@link #COHERE_BASE_URL}. */
    public static CohereApi of(EmbeddingConfig.Cohere config) {
        return of(config, HttpUrl.get(COHERE_BASE_URL));
    }

    /** Cohere at another API root (a proxy, or a test server). */
    public static CohereApi of(EmbeddingConfig.Cohere config, HttpUrl baseUrl) {
        Objects.requireNonNull(config, "config");
        Secrets.register(config.apiKey());
        return new CohereApi(config, baseUrl);
    }

    /** The endpoint every request goes to. */
    public HttpUrl url() {
        return url;
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public String description() {
        return "cohere " + config.model();
    }

    @Override
    public int dimensions() {
        return config.vectorLength();
    }

    /** The request parameters that change vectors ride along: the input type, the type and the truncation. */
    @Override
    public EmbeddingModel embeddingModel() {
        EmbeddingModel identity = EmbeddingModel.of("cohere", config.model(), config.vectorLength())
                .with("input_type", "search_document")
                .with("embedding_type", "float")
                .with("truncate", "NONE");
        return config.dimensions().isPresent()
                ? identity.with(
                        "output_dimension", String.valueOf(config.dimensions().getAsInt()))
                : identity;
    }

    @Override
    public String dimensionsOrigin() {
        return config.dimensions().isPresent()
                ? "embedding.dimensions"
                : config.model() + " gives " + config.vectorLength();
    }

    /** An estimate (cl100k_base): Cohere's own tokenizer is not available offline; see {@link #limits()}. */
    @Override
    public TokenCounter tokenCounter() {
        return Cl100kTokenCounter.instance();
    }

    @Override
    public RequestLimits limits() {
        return limits;
    }

    @Override
    public Request request(List<String> texts) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", config.model());
        texts.forEach(body.putArray("texts")::add);
        body.put("input_type", "search_document");
        body.putArray("embedding_types").add("float");
        body.put("truncate", "NONE");
        config.dimensions().ifPresent(d -> body.put("output_dimension", d));
        try {
            return new Request.Builder()
                    .url(url)
                    .headers(headers)
                    .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON))
                    .build();
        } catch (JsonProcessingException e) {
            throw new SystemException("could not write an embeddings request", e);
        }
    }

    @Override
    public List<float[]> vectors(JsonNode body, int inputs) {
        JsonNode floats = body.path("embeddings").path("float");
        if (!floats.isArray()) {
            throw new SystemException(SERVICE + " sent a malformed embeddings answer: it has no embeddings.float list");
        }
        if (floats.size() != inputs) {
            throw new SystemException(SERVICE + " returned " + floats.size() + " embeddings for " + inputs
                    + " inputs; every input must get exactly one");
        }
        // Cohere answers in input order; the position is the index.
        List<float[]> vectors = new ArrayList<>(inputs);
        floats.forEach(vector -> vectors.add(Vectors.parse(vector, SERVICE)));
        return vectors;
    }

    @Override
    public ConnectorException rejected(HttpStatus status) {
        int code = status.code();
        String answer = ErrorBodies.describe(status);
        if (code == 401 || code == 403) {
            return new ConfigException(
                    "the Cohere API key was rejected (HTTP " + code + "); check embedding.cohere_key");
        }
        if (code == 404) {
            return new ConfigException("Cohere does not know the model " + config.model()
                    + " or this key may not use it (" + answer + ")");
        }
        if (code == 400 || code == 413 || code == 422) {
            return new ConfigException(SERVICE + " refused the request (" + answer
                    + "); check the model, the dimensions and that processing.chunk_size fits the model");
        }
        return HttpErrors.classify(
                SERVICE, new HttpStatus(code, ErrorBodies.message(status).orElse("")));
    }
}
