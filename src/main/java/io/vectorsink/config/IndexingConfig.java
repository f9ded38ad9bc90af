package io.vectorsink.config;

/** Which vector store receives the chunks. */
public sealed interface IndexingConfig {
    /**
     * Chroma over its REST API v2.
     *
     * @param host base URL, e.g. {@code http://127.0.0.1:8000}; https unless the host is loopback
     * @param tenant Chroma tenant, {@code default_tenant} by default
     * @param database Chroma database, {@code default_database} by default
     * @param collection collection name (3–512 of {@code [a-zA-Z0-9._-]}, alphanumeric at both ends)
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}
     * @param auth how requests authenticate
     */
    record Chroma(
            String host, String tenant, String database, String collection, String distanceMetric, ChromaAuth auth)
            implements IndexingConfig {}

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
            @Override
            public String toString() {
                return "Token[token=****, header=" + header + "]";
            }
        }

        /** HTTP basic authentication. */
        record Basic(String username, String password) implements ChromaAuth {
            @Override
            public String toString() {
                return "Basic[username=" + username + ", password=****]";
            }
        }
    }
}
