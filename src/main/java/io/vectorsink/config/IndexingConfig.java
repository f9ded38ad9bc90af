package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.util.List;
import java.util.Objects;

/** Which vector store receives the chunks. */
public sealed interface IndexingConfig {
    /**
     * Chroma over its REST API v2.
     *
     * @param host base URL without a trailing slash or path, e.g. {@code http://127.0.0.1:8000}; https unless
     *     the host is loopback or insecure http is allowed (see {@link AdvancedConfig#allowInsecureHttp()})
     * @param tenant Chroma tenant, {@code default_tenant} by default
     * @param database Chroma database, {@code default_database} by default
     * @param collection collection name (3–512 of {@code [a-zA-Z0-9._-]}, alphanumeric at both ends)
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}
     * @param auth how requests authenticate
     */
    record Chroma(
            String host, String tenant, String database, String collection, String distanceMetric, ChromaAuth auth)
            implements IndexingConfig {
        /** Chroma's distance functions ({@code hnsw:space}), the default first. */
        public static final List<String> DISTANCE_METRICS = List.of("cosine", "l2", "ip");

        public Chroma {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(collection, "collection");
            // Chroma's own defaults for what the user left out.
            tenant = tenant == null ? "default_tenant" : tenant;
            database = database == null ? "default_database" : database;
            distanceMetric = distanceMetric == null ? DISTANCE_METRICS.get(0) : distanceMetric;
            auth = auth == null ? new ChromaAuth.None() : auth;
            if (!DISTANCE_METRICS.contains(distanceMetric)) {
                throw new ConfigException("distance_metric must be one of " + String.join(", ", DISTANCE_METRICS));
            }
        }
    }

    /** Chroma authentication. */
    sealed interface ChromaAuth {
        /** No credentials. */
        record None() implements ChromaAuth {}

        /**
         * A static token, sent as {@code Authorization: Bearer <token>} or {@code X-Chroma-Token: <token>}.
         *
         * @param header {@code authorization} or {@code x_chroma_token}
         */
        record Token(String token, String header) implements ChromaAuth {
            public static final String AUTHORIZATION = "authorization";
            public static final String X_CHROMA_TOKEN = "x_chroma_token";

            public Token {
                Objects.requireNonNull(token, "token");
                if (!AUTHORIZATION.equals(header) && !X_CHROMA_TOKEN.equals(header)) {
                    throw new ConfigException("header must be authorization or x_chroma_token");
                }
            }

            @Override
            public String toString() {
                return "Token[token=****, header=" + header + "]";
            }
        }

        /** HTTP basic authentication. */
        record Basic(String username, String password) implements ChromaAuth {
            public Basic {
                Objects.requireNonNull(username, "username");
                Objects.requireNonNull(password, "password");
            }

            @Override
            public String toString() {
                return "Basic[username=" + username + ", password=****]";
            }
        }
    }
}
