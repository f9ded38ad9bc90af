package io.vectorsink.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.http.HttpStatus;
import java.util.List;
import okhttp3.Request;

/**
 * One provider's embeddings endpoint: its wire format, its model's facts and its limits. A
 * {@link RemoteEmbedder} does the sizing, concurrency, retries and validation around it. Implementations
 * are immutable and thread-safe, and never put the key or the texts into a message.
 */
public interface EmbeddingApi {
    /** The name users know the provider by, for messages: "OpenAI", "Azure OpenAI", "Cohere". */
    String service();

    /** A short, secret-free description without the dimensions, e.g. {@code openai text-embedding-3-small}. */
    String description();

    /** The length of every vector the config expects. */
    int dimensions();

    /** The provider, model, dimensions and the request parameters that change vectors. */
    EmbeddingModel embeddingModel();

    /** Where {@link #dimensions()} comes from, for a mismatch message, e.g. {@code embedding.dimensions}. */
    String dimensionsOrigin();

    /** The tokenizer that chunk sizes and request sizes are measured with. */
    TokenCounter tokenCounter();

    RequestLimits limits();

    /** The request that embeds {@code texts} (none empty; at most {@link RequestLimits#maxInputsPerRequest()}). */
    Request request(List<String> texts);

    /**
     * The vectors of a successful answer, element {@code i} for input {@code i}.
     *
     * @throws io.vectorsink.error.SystemException when the answer does not have the documented shape
     */
    List<float[]> vectors(JsonNode body, int inputs);

    /**
     * Whether an answer that would normally be retried (429, 5xx) is final for this provider, such as
     * OpenAI's 429 {@code insufficient_quota}, which no wait cures. {@link #rejected} then explains it.
     */
    default boolean isFinal(HttpStatus status) {
        return false;
    }

    /** The exception for a final unsuccessful answer (one the retry policy does not retry). */
    ConnectorException rejected(HttpStatus status);
}
