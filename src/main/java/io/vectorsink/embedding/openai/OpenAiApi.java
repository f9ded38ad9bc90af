package io.vectorsink.embedding.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.protocol.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * OpenAI's embeddings wire format, spoken by three kinds of endpoint:
 *
 * <ul>
 *   <li>OpenAI itself: {@code POST https://api.openai.com/v1/embeddings}, {@code Authorization: Bearer};
 *   <li>Azure OpenAI: {@code POST {api_base}/openai/deployments/{deployment}/embeddings?api-version=...},
 *       key in the {@code api-key} header, the model fixed by the deployment;
 *   <li>OpenAI-compatible servers (Ollama, vLLM, TEI, Mistral, ...): {@code POST {base_url}/embeddings},
 *       {@code Authorization: Bearer} only when a key is configured.
 * </ul>
 *
 * The body is {@code {"input": [...], "model": ..., "encoding_format": "float"}} (plus {@code dimensions}
 * for a shortened -3 model); the answer's {@code data[i]} carries {@code index} and {@code embedding}.
 *
 * <p>Limits, from OpenAI's API reference: at most 2048 inputs per request, at most 8192 tokens per input
 * (the model pages say 8191, which is used here) and at most 300,000 tokens summed over one request;
 * Azure documents the same 2048 inputs for its embedding deployments. OpenAI-compatible servers document
 * no common limit; 32 inputs per request is the default limit of Hugging Face TEI
 * ({@code --max-client-batch-size}), the strictest of the common servers.
 */
public final class OpenAiApi implements EmbeddingApi {
    /** OpenAI's API root. */
    public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

    static final int OPENAI_MAX_INPUTS = 2048;
    static final int OPENAI_MAX_TOKENS_PER_INPUT = 8191;
    static final int OPENAI_MAX_TOKENS_PER_REQUEST = 300_000;
    static final int COMPATIBLE_MAX_INPUTS = 32;

    /**
     * For a server whose tokenizer is unknown, cl100k_base only estimates the count; chunks are kept to
     * this share of the model's context so that an estimate that falls short still fits.
     */
    static final double ESTIMATE_MARGIN = 0.8;

    private static final MediaType JSON = MediaType.get("application/json");

    private enum Kind {
        OPENAI,
        AZURE,
        COMPATIBLE
    }

    private final Kind kind;
    private final String service;
    private final String description;
    private final HttpUrl url;
    private final String shownUrl;
    private final Headers headers;
    private final String model;
    private final OptionalInt requestedDimensions;
    private final int dimensions;
    private final String dimensionsOrigin;
    private final RequestLimits limits;
    private final boolean hasKey;
    private final EmbeddingModel embeddingModel;

    private OpenAiApi(Builder b) {
        this.kind = b.kind;
        this.service = b.service;
        this.description = b.description;
        this.url = b.url;
        this.shownUrl = HttpsPolicy.withoutCredentials(b.url);
        this.headers = b.headers;
        this.model = b.model;
        this.requestedDimensions = b.requestedDimensions;
        this.dimensions = b.dimensions;
        this.dimensionsOrigin = b.dimensionsOrigin;
        this.limits = b.limits;
        this.hasKey = b.hasKey;
        this.embeddingModel = b.embeddingModel;
    }

    /** OpenAI at {@link #OPENAI_BASE_URL}. */
    public static OpenAiApi openAi(EmbeddingConfig.OpenAi config) {
        return openAi(config, HttpUrl.get(OPENAI_BASE_URL));
    }

    /** OpenAI at another API root (a proxy, or a test server). */
    public static OpenAiApi openAi(EmbeddingConfig.OpenAi config, HttpUrl baseUrl) {
        Objects.requireNonNull(config, "config");
        Secrets.register(config.apiKey());
        Builder b = new Builder(Kind.OPENAI, "OpenAI");
        b.description = "openai " + config.model();
        b.url = baseUrl.newBuilder().addPathSegment("embeddings").build();
        b.headers = Headers.of("Authorization", "Bearer " + config.apiKey(), "Accept", "application/json");
        b.model = config.model();
        b.requestedDimensions = config.dimensions();
        b.dimensions = config.vectorLength();
        b.dimensionsOrigin = config.dimensions().isPresent()
                ? "embedding.dimensions"
                : config.model() + " gives " + config.vectorLength();
        b.limits = new RequestLimits(
                OPENAI_MAX_INPUTS,
                OPENAI_MAX_TOKENS_PER_REQUEST,
                OPENAI_MAX_TOKENS_PER_INPUT,
                OPENAI_MAX_TOKENS_PER_INPUT);
        b.hasKey = true;
        EmbeddingModel identity = EmbeddingModel.of("openai", config.model(), config.vectorLength());
        b.embeddingModel = config.dimensions().isPresent()
                ? identity.with("dimensions", String.valueOf(config.dimensions().getAsInt()))
                : identity;
        return new OpenAiApi(b);
    }

    /**
     * An Azure OpenAI deployment.
     *
     * @throws ConfigException when {@code api_base} is not an allowed URL
     */
    public static OpenAiApi azure(EmbeddingConfig.AzureOpenAi config, boolean allowInsecureHttp) {
        Objects.requireNonNull(config, "config");
        Secrets.register(config.apiKey());
        HttpUrl base = HttpsPolicy.check("embedding.api_base", config.apiBase(), allowInsecureHttp);
        Builder b = new Builder(Kind.AZURE, "Azure OpenAI");
        b.description = "azure_openai deployment " + config.deployment();
        b.url = base.newBuilder()
                .addPathSegment("openai")
                .addPathSegment("deployments")
                .addPathSegment(config.deployment())
                .addPathSegment("embeddings")
                .addQueryParameter("api-version", config.apiVersion())
                .build();
        b.headers = Headers.of("api-key", config.apiKey(), "Accept", "application/json");
        b.model = null; // the deployment fixes the model
        // The deployment stands for the model: Azure names neither model nor version in the answer.
        b.embeddingModel = EmbeddingModel.of("azure_openai", config.deployment(), config.dimensions());
        b.requestedDimensions = OptionalInt.empty();
        b.dimensions = config.dimensions();
        b.dimensionsOrigin = "embedding.dimensions";
        b.limits = new RequestLimits(
                OPENAI_MAX_INPUTS,
                OPENAI_MAX_TOKENS_PER_REQUEST,
                OPENAI_MAX_TOKENS_PER_INPUT,
                OPENAI_MAX_TOKENS_PER_INPUT);
        b.hasKey = true;
        return new OpenAiApi(b);
    }

    /**
     * An OpenAI-compatible server.
     *
     * @throws ConfigException when {@code base_url} is not an allowed URL
     */
    public static OpenAiApi compatible(EmbeddingConfig.OpenAiCompatible config, boolean allowInsecureHttp) {
        Objects.requireNonNull(config, "config");
        HttpUrl base = HttpsPolicy.check("embedding.base_url", config.baseUrl(), allowInsecureHttp);
        Builder b = new Builder(Kind.COMPATIBLE, "OpenAI-compatible server");
        b.url = base.newBuilder().addPathSegment("embeddings").build();
        b.description = "openai_compatible " + config.modelName() + " at " + HttpsPolicy.withoutCredentials(base);
        boolean hasKey = !config.apiKey().isBlank();
        if (hasKey) {
            Secrets.register(config.apiKey());
            b.headers = Headers.of("Authorization", "Bearer " + config.apiKey(), "Accept", "application/json");
        } else {
            b.headers = Headers.of("Accept", "application/json");
        }
        b.model = config.modelName();
        b.embeddingModel = EmbeddingModel.of("openai_compatible", config.modelName(), config.dimensions());
        b.requestedDimensions = OptionalInt.empty();
        b.dimensions = config.dimensions();
        b.dimensionsOrigin = "embedding.dimensions";
        int context = config.contextLength();
        b.limits = new RequestLimits(COMPATIBLE_MAX_INPUTS, Integer.MAX_VALUE, context, Math.max(1, (int)
                Math.floor(context * ESTIMATE_MARGIN)));
        b.hasKey = hasKey;
        return new OpenAiApi(b);
    }

    /** The same endpoint with at most {@code inputs} texts per request (for servers with a lower cap). */
    public OpenAiApi withMaxInputsPerRequest(int inputs) {
        Builder b = new Builder(kind, service);
        b.description = description;
        b.url = url;
        b.headers = headers;
        b.model = model;
        b.requestedDimensions = requestedDimensions;
        b.dimensions = dimensions;
        b.dimensionsOrigin = dimensionsOrigin;
        b.limits = limits.withMaxInputsPerRequest(inputs);
        b.hasKey = hasKey;
        b.embeddingModel = embeddingModel;
        return new OpenAiApi(b);
    }

    /** The endpoint every request goes to. */
    public HttpUrl url() {
        return url;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    @Override
    public String dimensionsOrigin() {
        return dimensionsOrigin;
    }

    /**
     * cl100k_base: exact for OpenAI's and Azure's models; for other servers an estimate, which {@link
     * #limits()} allows for.
     */
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
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        if (model != null) {
            body.put("model", model);
        }
        if (kind != Kind.AZURE) {
            body.put("encoding_format", "float");
        }
        requestedDimensions.ifPresent(d -> body.put("dimensions", d));
        try {
            return new Request.Builder()
                    .url(url)
                    .headers(headers)
                    .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON))
                    .build();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SystemException("could not write an embeddings request", e);
        }
    }

    @Override
    public List<float[]> vectors(JsonNode body, int inputs) {
        JsonNode data = body.get("data");
        if (data == null || !data.isArray()) {
            throw malformed("it has no data list");
        }
        if (data.size() != inputs) {
            throw new SystemException(service + " returned " + data.size() + " embeddings for " + inputs
                    + " inputs; every input must" + " get exactly one");
        }
        boolean indexed = false;
        for (JsonNode item : data) {
            indexed |= item.has("index");
        }
        float[][] vectors = new float[inputs][];
        for (int position = 0; position < inputs; position++) {
            JsonNode item = data.get(position);
            int index = position;
            if (indexed) {
                // Every item must say which input it belongs to: OpenAI documents the index, and a server
                // that answers out of order must not get its vectors attached to the wrong chunks.
                JsonNode value = item.get("index");
                if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
                    throw malformed("an embedding has no integer index");
                }
                index = value.intValue();
                if (index < 0 || index >= inputs) {
                    throw malformed("an embedding has index " + index + " for " + inputs + " inputs");
                }
                if (vectors[index] != null) {
                    throw malformed("two embeddings have index " + index);
                }
            }
            vectors[index] = Vectors.parse(item.get("embedding"), service);
        }
        return new ArrayList<>(Arrays.asList(vectors));
    }

    @Override
    public boolean isFinal(HttpStatus status) {
        // A 429 for an exhausted balance will not pass by waiting; one for a rate limit will.
        return status.code() == 429
                && ErrorBodies.code(status).filter("insufficient_quota"::equals).isPresent();
    }

    @Override
    public ConnectorException rejected(HttpStatus status) {
        int code = status.code();
        Optional<String> errorCode = ErrorBodies.code(status);
        if (code == 401 || code == 403) {
            // The body is left out on purpose: OpenAI's 401 message quotes the start and end of the key.
            return new ConfigException(keyRejected(code));
        }
        if (code == 429) {
            return new ConfigException(service + " refused the request because the account has no quota left ("
                    + ErrorBodies.describe(status) + "); check the plan and billing of the key");
        }
        boolean unknownModel = errorCode
                .filter(c -> c.equals("model_not_found") || c.equals("DeploymentNotFound"))
                .isPresent();
        if (code == 404 || unknownModel) {
            return new ConfigException(notFound(status, errorCode));
        }
        if (code == 400 || code == 413 || code == 422) {
            return new ConfigException(service + " refused the request (" + ErrorBodies.describe(status)
                    + "); check the model, the dimensions and that processing.chunk_size fits the model");
        }
        return HttpErrors.classify(
                service, new HttpStatus(code, ErrorBodies.message(status).orElse("")));
    }

    private String keyRejected(int code) {
        switch (kind) {
            case OPENAI:
                return "the OpenAI API key was rejected (HTTP " + code + "); check embedding.openai_key";
            case AZURE:
                return "the Azure OpenAI key was rejected (HTTP " + code + "); check that embedding.openai_key"
                        + " is a key of the resource at embedding.api_base";
            default:
                return hasKey
                        ? "the server at " + shownUrl + " rejected the API key (HTTP " + code
                                + "); check embedding.api_key"
                        : "the server at " + shownUrl + " requires an API key (HTTP " + code
                                + "); set embedding.api_key";
        }
    }

    private String notFound(HttpStatus status, Optional<String> errorCode) {
        String answer = ErrorBodies.describe(status);
        switch (kind) {
            case OPENAI:
                return "OpenAI does not know the model " + model + " or this key may not use it (" + answer + ")";
            case AZURE:
                if (errorCode.filter("DeploymentNotFound"::equals).isPresent()) {
                    return "Azure OpenAI has no deployment named in embedding.deployment at embedding.api_base ("
                            + answer + ")";
                }
                return "there is no Azure OpenAI embeddings API at " + shownUrl + " (" + answer
                        + "); check embedding.api_base, embedding.deployment and embedding.api_version";
            default:
                return "the server at " + shownUrl + " has no model '" + model + "' or no embeddings endpoint ("
                        + answer + "); check embedding.base_url and embedding.model_name";
        }
    }

    private SystemException malformed(String what) {
        return new SystemException(service + " sent a malformed embeddings answer: " + what);
    }

    private static final class Builder {
        final Kind kind;
        final String service;
        String description;
        HttpUrl url;
        Headers headers;
        String model;
        OptionalInt requestedDimensions;
        int dimensions;
        String dimensionsOrigin;
        RequestLimits limits;
        boolean hasKey;
        EmbeddingModel embeddingModel;

        Builder(Kind kind, String service) {
            this.kind = kind;
            this.service = service;
        }
    }
}
