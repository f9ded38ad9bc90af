package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises a config saved by one of Airbyte's own vector destinations (destination-pinecone, -qdrant,
 * -weaviate, -milvus, -chroma) and says exactly what to change. Their processing settings and most
 * embedding modes carry over as they are; what does not: their {@code indexing} has no {@code mode} and
 * names some fields differently, and their OpenAI and Cohere modes embed with a model they do not name
 * (text-embedding-ada-002 and embed-english-light-v2.0). Each hint is added to the config's problems, so
 * {@code check} and {@code write} refuse such a config with the change to make, never half-understand it.
 */
final class AirbyteConfigHints {
    private AirbyteConfigHints() {}

    static List<String> hints(JsonNode config) {
        List<String> hints = new ArrayList<>();
        embeddingHint(config.path("embedding")).ifPresent(hints::add);
        Optional<String> indexing = indexingHint(config.path("indexing"));
        indexing.ifPresent(hints::add);
        if (indexing.isPresent()) {
            otherEmbeddingMode(config.path("embedding")).ifPresent(hints::add);
        }
        return hints;
    }

    /** An embedding mode of Airbyte's destinations that has no counterpart here (e.g. Chroma's own embedder). */
    private static Optional<String> otherEmbeddingMode(JsonNode embedding) {
        String mode = embedding.path("mode").asText();
        List<String> modes = new ArrayList<>();
        SpecSchema.connectionSpecification()
                .at("/properties/embedding/oneOf")
                .forEach(branch -> modes.add(branch.at("/properties/mode/const").asText()));
        if (mode.isEmpty() || modes.contains(mode)) {
            return Optional.empty();
        }
        return Optional.of("embedding.mode: \"" + mode + "\" of Airbyte's destinations has no counterpart here;"
                + " choose \"local\" to embed inside the connector without a key, or one of "
                + String.join(", ", modes));
    }

    private static Optional<String> embeddingHint(JsonNode embedding) {
        // Only a section that is otherwise complete, as theirs are: an unfinished one of this connector's
        // gets the plain "is required" problem.
        if (embedding.has("model")) {
            return Optional.empty();
        }
        return switch (embedding.path("mode").asText()) {
            case "openai" -> !embedding.has("openai_key")
                    ? Optional.empty()
                    : Optional.of("embedding.model: a config of Airbyte's vector destinations"
                            + " names no model; they embedded with text-embedding-ada-002, so add \"model\":"
                            + " \"text-embedding-ada-002\" to keep their vectors comparable, or choose a text-embedding-3"
                            + " model for a new index");
            case "cohere" -> !embedding.has("cohere_key")
                    ? Optional.empty()
                    : Optional.of("embedding.model: a config of Airbyte's vector destinations"
                            + " names no model; they embedded with Cohere's embed-english-light-v2.0, which vectorsink does"
                            + " not offer, so choose a model (e.g. \"embed-english-light-v3.0\") and write into a new"
                            + " index: vectors of different models cannot be searched together");
            default -> Optional.empty();
        };
    }

    private static Optional<String> indexingHint(JsonNode indexing) {
        if (!indexing.isObject() || indexing.has("mode")) {
            return Optional.empty();
        }
        String start = "indexing.mode: this looks like the indexing section of Airbyte's ";
        if (indexing.has("pinecone_key")) {
            return Optional.of(start + "Pinecone destination; add \"mode\": \"pinecone\""
                    + removing(indexing, "pinecone_environment")
                    + " (vectorsink finds the index's host through api.pinecone.io)");
        }
        if (indexing.has("collection_name")
                || indexing.path("auth_method").has("path")
                || indexing.path("auth_method").has("port")) {
            return Optional.of(start + "Chroma destination; add \"mode\": \"chroma\", rename"
                    + " collection_name to collection, and replace auth_method by \"host\":"
                    + " \"https://<host>:<port>\" (http only for localhost) and, for a username and password, \"auth\":"
                    + " {\"mode\": \"basic\", \"username\": ..., \"password\": ...}; a persistent_client path has no"
                    + " equivalent: vectorsink writes to a Chroma server");
        }
        if (indexing.has("url") && (indexing.has("auth_method") || indexing.has("prefer_grpc"))) {
            return Optional.of(start + "Qdrant destination; add \"mode\": \"qdrant\" and \"payload_layout\":"
                    + " \"flat\" (its layout; text_field carries over), replace auth_method by \"api_key\": <its"
                    + " api_key> (or nothing for no_auth)"
                    + removing(indexing, "prefer_grpc"));
        }
        if (indexing.has("host") && (indexing.has("vector_field") || indexing.has("db"))) {
            return Optional.of(start + "Milvus destination; add \"mode\": \"milvus\", and in auth use"
                    + " mode \"none\" for no_auth and \"user_password\" for username_password"
                    + " (vector_field and text_field carry over)");
        }
        if (indexing.has("host")) {
            return Optional.of(start + "Weaviate destination; add \"mode\": \"weaviate\", replace auth"
                    + " {\"mode\": \"token\", \"token\": ...} by {\"mode\": \"api_key\", \"api_key\": ...} and"
                    + " no_auth by none (username_password has no equivalent), and rename header_key to name in"
                    + " additional_headers"
                    + removing(indexing, "batch_size", "default_vectorizer", "tenant_id"));
        }
        return Optional.empty();
    }

    /** ", and remove a, b" for those of {@code keys} the section has, else "". */
    private static String removing(JsonNode indexing, String... keys) {
        List<String> present = new ArrayList<>();
        for (String key : keys) {
            if (indexing.has(key)) {
                present.add(key);
            }
        }
        return present.isEmpty() ? "" : ", and remove " + String.join(", ", present);
    }
}
