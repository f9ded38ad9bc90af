package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Which model turns chunks into vectors. */
public sealed interface EmbeddingConfig {
    /**
     * An in-process ONNX model: no key, no network.
     *
     * @param model {@code all-minilm-l6-v2-q} (384 dimensions, the default) or {@code bge-small-en-v1.5-q}
     *     (384 dimensions)
     */
    record Local(String model) implements EmbeddingConfig {
        public static final String MINILM = "all-minilm-l6-v2-q";
        public static final String BGE_SMALL = "bge-small-en-v1.5-q";
        /** Every local model, the default first; the spec's {@code model} enum lists the same. */
        public static final List<String> MODELS = List.of(MINILM, BGE_SMALL);

        public Local {
            Objects.requireNonNull(model, "model");
            if (!MODELS.contains(model)) {
                throw new ConfigException("model must be one of " + String.join(", ", MODELS));
            }
        }
    }

    /**
     * A deterministic embedder for tests and dry runs: the same text always gives the same unit vector.
     *
     * @param dimensions vector length, 1 to 4096
     */
    record Fake(int dimensions) implements EmbeddingConfig {
        public Fake {
            if (dimensions < 1 || dimensions > 4096) {
                throw new ConfigException("dimensions must be between 1 and 4096");
            }
        }
    }

    /**
     * Vectors that come with the records: the value of {@code fieldName}, a list of numbers, is the vector of
     * every chunk of its record. No model runs; chunk sizes are counted in words.
     *
     * @param fieldName a top-level field of every record, not embedded as text nor stored as metadata
     * @param dimensions the length every vector must have, 1 to 20,000
     */
    record FromField(String fieldName, int dimensions) implements EmbeddingConfig {
        public FromField {
            if (fieldName == null || fieldName.isBlank()) {
                throw new ConfigException("field_name must not be empty");
            }
            if (dimensions < 1 || dimensions > 20_000) {
                throw new ConfigException("dimensions must be between 1 and 20000");
            }
        }
    }

    /**
     * OpenAI's embeddings API ({@code https://api.openai.com/v1/embeddings}).
     *
     * @param apiKey the OpenAI API key (secret; masked in {@link #toString()})
     * @param model {@code text-embedding-3-small} (1536 dimensions), {@code text-embedding-3-large} (3072) or
     *     {@code text-embedding-ada-002} (1536)
     * @param dimensions a shorter vector length for the -3 models (OpenAI shortens them without retraining);
     *     empty for the model's full length; ada-002 has a fixed length
     */
    record OpenAi(String apiKey, String model, OptionalInt dimensions) implements EmbeddingConfig {
        public static final String TEXT_EMBEDDING_3_SMALL = "text-embedding-3-small";
        public static final String TEXT_EMBEDDING_3_LARGE = "text-embedding-3-large";
        public static final String TEXT_EMBEDDING_ADA_002 = "text-embedding-ada-002";
        /** Every model with its full vector length, in the order the spec lists them. */
        public static final Map<String, Integer> MODEL_DIMENSIONS = ordered(
                TEXT_EMBEDDING_3_SMALL, 1536,
                TEXT_EMBEDDING_3_LARGE, 3072,
                TEXT_EMBEDDING_ADA_002, 1536);

        public OpenAi {
            requireKey(apiKey, "openai_key");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(dimensions, "dimensions");
            if (!MODEL_DIMENSIONS.containsKey(model)) {
                throw new ConfigException("model must be one of " + String.join(", ", MODEL_DIMENSIONS.keySet()));
            }
            shorteningProblem(model, dimensions).ifPresent(problem -> {
                throw new ConfigException("dimensions " + problem);
            });
        }

        /** Whether OpenAI accepts a {@code dimensions} parameter for {@code model} (the -3 models do). */
        public static boolean supportsShortening(String model) {
            return model.startsWith("text-embedding-3-");
        }

        /** What is wrong with asking {@code model} for {@code dimensions}, if anything; {@link ConfigRules} reports it per field. */
        static Optional<String> shorteningProblem(String model, OptionalInt dimensions) {
            if (dimensions.isEmpty()) {
                return Optional.empty();
            }
            if (!supportsShortening(model)) {
                return Optional.of("can only be set for the text-embedding-3 models; " + model + " always gives "
                        + MODEL_DIMENSIONS.get(model));
            }
            int full = MODEL_DIMENSIONS.get(model);
            if (dimensions.getAsInt() < 1 || dimensions.getAsInt() > full) {
                return Optional.of("must be between 1 and " + full + " for " + model);
            }
            return Optional.empty();
        }

        /** The length of the vectors this config asks for. */
        public int vectorLength() {
            return dimensions.orElse(MODEL_DIMENSIONS.get(model));
        }

        @Override
        public String toString() {
            return "OpenAi[apiKey=****, model=" + model + ", dimensions=" + dimensions + "]";
        }
    }

    /**
     * A model deployed in an Azure OpenAI resource.
     *
     * @param apiKey the resource's key, sent as {@code api-key} (secret; masked in {@link #toString()})
     * @param apiBase the resource endpoint, {@code https://<resource>.openai.azure.com}, without a path
     * @param deployment the deployment name chosen when the model was deployed
     * @param apiVersion the data-plane API version, {@code 2024-10-21} by default
     * @param dimensions the vector length of the deployed model (1536 for text-embedding-ada-002 and
     *     text-embedding-3-small, 3072 for text-embedding-3-large; 1536 by default)
     */
    record AzureOpenAi(String apiKey, String apiBase, String deployment, String apiVersion, int dimensions)
            implements EmbeddingConfig {
        public static final String DEFAULT_API_VERSION = "2024-10-21";
        public static final int DEFAULT_DIMENSIONS = 1536;

        public AzureOpenAi {
            requireKey(apiKey, "openai_key");
            Objects.requireNonNull(apiBase, "apiBase");
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(apiVersion, "apiVersion");
            if (deployment.isBlank()) {
                throw new ConfigException("deployment must not be blank");
            }
            if (dimensions < 1 || dimensions > 4096) {
                throw new ConfigException("dimensions must be between 1 and 4096");
            }
        }

        @Override
        public String toString() {
            return "AzureOpenAi[apiKey=****, apiBase=" + apiBase + ", deployment=" + deployment + ", apiVersion="
                    + apiVersion + ", dimensions=" + dimensions + "]";
        }
    }

    /**
     * Cohere's Embed API v2 ({@code https://api.cohere.com/v2/embed}), with {@code input_type}
     * {@code search_document}.
     *
     * @param apiKey the Cohere API key (secret; masked in {@link #toString()})
     * @param model {@code embed-english-v3.0} or {@code embed-multilingual-v3.0} (1024 dimensions), their
     *     {@code -light-} variants (384), or {@code embed-v4.0} (1536 unless shortened)
     * @param dimensions for embed-v4.0 only: 256, 512, 1024 or 1536; empty for the model's full length
     */
    record Cohere(String apiKey, String model, OptionalInt dimensions) implements EmbeddingConfig {
        public static final String EMBED_V4 = "embed-v4.0";
        /** Every model with its full vector length, in the order the spec lists them. */
        public static final Map<String, Integer> MODEL_DIMENSIONS = ordered(
                "embed-english-v3.0",
                1024,
                "embed-multilingual-v3.0",
                1024,
                "embed-english-light-v3.0",
                384,
                "embed-multilingual-light-v3.0",
                384,
                EMBED_V4,
                1536);
        /** The lengths embed-v4.0 offers ({@code output_dimension}). */
        public static final List<Integer> EMBED_V4_DIMENSIONS = List.of(256, 512, 1024, 1536);

        public Cohere {
            requireKey(apiKey, "cohere_key");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(dimensions, "dimensions");
            if (!MODEL_DIMENSIONS.containsKey(model)) {
                throw new ConfigException("model must be one of " + String.join(", ", MODEL_DIMENSIONS.keySet()));
            }
            shorteningProblem(model, dimensions).ifPresent(problem -> {
                throw new ConfigException("dimensions " + problem);
            });
        }

        /** What is wrong with asking {@code model} for {@code dimensions}, if anything; {@link ConfigRules} reports it per field. */
        static Optional<String> shorteningProblem(String model, OptionalInt dimensions) {
            if (dimensions.isEmpty()) {
                return Optional.empty();
            }
            if (!model.equals(EMBED_V4)) {
                return Optional.of("can only be set for " + EMBED_V4 + "; " + model + " always gives "
                        + MODEL_DIMENSIONS.get(model));
            }
            if (!EMBED_V4_DIMENSIONS.contains(dimensions.getAsInt())) {
                return Optional.of("must be one of 256, 512, 1024, 1536 for " + EMBED_V4);
            }
            return Optional.empty();
        }

        /** The length of the vectors this config asks for. */
        public int vectorLength() {
            return dimensions.orElse(MODEL_DIMENSIONS.get(model));
        }

        @Override
        public String toString() {
            return "Cohere[apiKey=****, model=" + model + ", dimensions=" + dimensions + "]";
        }
    }

    /**
     * A server that speaks OpenAI's embeddings API: Ollama, vLLM, Hugging Face TEI, LM Studio, Mistral,
     * Together and others.
     *
     * @param baseUrl the API root that {@code /embeddings} is appended to, e.g. {@code http://localhost:11434/v1}
     * @param apiKey sent as {@code Authorization: Bearer <key>}; empty for servers without authentication
     *     (secret; masked in {@link #toString()})
     * @param modelName the model the server should use
     * @param dimensions the vector length the model returns
     * @param contextLength the most tokens of one input the model embeds (512 by default, the window of most
     *     open embedding models); {@code check} keeps {@code chunk_size} well inside it
     */
    record OpenAiCompatible(String baseUrl, String apiKey, String modelName, int dimensions, int contextLength)
            implements EmbeddingConfig {
        public static final int DEFAULT_CONTEXT_LENGTH = 512;

        public OpenAiCompatible {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(modelName, "modelName");
            if (modelName.isBlank()) {
                throw new ConfigException("model_name must not be blank");
            }
            if (dimensions < 1 || dimensions > 8192) {
                throw new ConfigException("dimensions must be between 1 and 8192");
            }
            if (contextLength < 16 || contextLength > 1_000_000) {
                throw new ConfigException("context_length must be between 16 and 1000000");
            }
        }

        @Override
        public String toString() {
            return "OpenAiCompatible[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isEmpty() ? "" : "****")
                    + ", modelName=" + modelName + ", dimensions=" + dimensions + ", contextLength=" + contextLength
                    + "]";
        }
    }

    private static void requireKey(String key, String field) {
        if (key == null || key.isBlank()) {
            throw new ConfigException(field + " must not be blank");
        }
    }

    private static Map<String, Integer> ordered(Object... namesAndLengths) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndLengths.length; i += 2) {
            map.put((String) namesAndLengths[i], (Integer) namesAndLengths[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
