package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import io.vectorsink.store.DistanceMetric;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Which vector store receives the chunks. */
public sealed interface IndexingConfig {
    /** The configured {@code distance_metric} name, validated: {@code cosine} (default), {@code l2} or {@code ip}. */
    String distanceMetric();

    /** The configured distance metric. */
    default DistanceMetric metric() {
        return DistanceMetric.of(distanceMetric());
    }

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

        public Chroma {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(collection, "collection");
            // Chroma's own defaults for what the user left out.
            tenant = tenant == null ? "default_tenant" : tenant;
            database = database == null ? "default_database" : database;
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            auth = auth == null ? new ChromaAuth.None() : auth;
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

    /**
     * OpenSearch (and Elasticsearch-compatible endpoints where the APIs agree) over its REST API, with the
     * k-NN plugin.
     *
     * @param url the cluster endpoint, e.g. {@code https://search.example.com:9200}; https unless loopback or
     *     insecure http is allowed. One URL, because Airbyte's {@code allowedHosts} can only name hosts
     *     from string fields: a cluster is reached through its load balancer or any one of its nodes
     * @param index the index name (OpenSearch rules: lowercase, 1–255 of {@code a-z 0-9 . _ -}, not starting
     *     with {@code . _ -})
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}; mapped to the k-NN
     *     {@code space_type} cosinesimil, l2, innerproduct
     * @param refresh {@code wait_for} (default: a write returns once it is searchable), {@code true} (force a
     *     refresh per request) or {@code false} (leave it to the index's refresh interval)
     * @param auth how requests authenticate
     * @param vectorField the document field that holds the vector; null: an existing index's one vector
     *     field, or {@code vector_field} for an index vectorsink creates
     */
    record OpenSearch(
            String url, String index, String distanceMetric, String refresh, OpenSearchAuth auth, String vectorField)
            implements IndexingConfig {

        /** The accepted refresh policies, the default first. */
        public static final List<String> REFRESH_POLICIES = List.of("wait_for", "true", "false");

        /** A field name: starts with a letter; letters, digits, {@code _} and {@code -} (no dots: no objects). */
        private static final java.util.regex.Pattern FIELD_NAME =
                java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,127}");

        public OpenSearch(String url, String index, String distanceMetric, String refresh, OpenSearchAuth auth) {
            this(url, index, distanceMetric, refresh, auth, null);
        }

        public OpenSearch {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(index, "index");
            if (vectorField != null
                    && (!FIELD_NAME.matcher(vectorField).matches()
                            || vectorField.equals("text")
                            || vectorField.equals("metadata"))) {
                throw new ConfigException("vector_field must start with a letter and hold only letters, digits, _ and"
                        + " - (at most 128), and not be text or metadata (the chunk's other fields), got '"
                        + vectorField + "'");
            }
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            refresh = refresh == null ? REFRESH_POLICIES.get(0) : refresh;
            auth = auth == null ? new OpenSearchAuth.None() : auth;
            if (!REFRESH_POLICIES.contains(refresh)) {
                throw new ConfigException("refresh must be one of " + String.join(", ", REFRESH_POLICIES));
            }
        }
    }

    /** OpenSearch authentication. */
    sealed interface OpenSearchAuth {
        /** No credentials. */
        record None() implements OpenSearchAuth {}

        /** HTTP basic authentication (the security plugin's internal users, or a proxy in front). */
        record Basic(String username, String password) implements OpenSearchAuth {
            public Basic {
                Objects.requireNonNull(username, "username");
                Objects.requireNonNull(password, "password");
            }

            @Override
            public String toString() {
                return "Basic[username=" + username + ", password=****]";
            }
        }

        /**
         * An API key, sent as {@code Authorization: ApiKey <key>} (Elasticsearch's and compatible services'
         * form).
         *
         * @param apiKey the encoded key as the service shows it (base64 of {@code id:key})
         */
        record ApiKey(String apiKey) implements OpenSearchAuth {
            public ApiKey {
                Objects.requireNonNull(apiKey, "apiKey");
            }

            @Override
            public String toString() {
                return "ApiKey[apiKey=****]";
            }
        }
    }

    /**
     * Qdrant over its REST API.
     *
     * @param url the endpoint with its REST port, e.g. {@code https://xyz.cloud.qdrant.io:6333}; https unless
     *     loopback or insecure http is allowed
     * @param apiKey sent as the {@code api-key} header; null when the server needs none
     * @param collection the collection name (1–255 of {@code A-Z a-z 0-9 . _ -})
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}: Qdrant's Cosine, Euclid, Dot
     * @param textField the payload key of the chunk text, or null: an existing collection's, else {@code
     *     page_content} (nested layout) or {@code text} (flat)
     * @param payloadLayout {@code nested} (LangChain's: text and a {@code metadata} object) or {@code flat} (the
     *     metadata at the top of the payload), or null: an existing collection's, else nested
     */
    record Qdrant(
            String url, String apiKey, String collection, String distanceMetric, String textField, String payloadLayout)
            implements IndexingConfig {

        /** The payload layouts, LangChain's first. */
        public static final List<String> PAYLOAD_LAYOUTS = List.of("nested", "flat");

        public Qdrant(String url, String apiKey, String collection, String distanceMetric) {
            this(url, apiKey, collection, distanceMetric, null, null);
        }

        public Qdrant {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(collection, "collection");
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            textField = textField == null || textField.isEmpty() ? null : textField;
            payloadLayout = payloadLayout == null || payloadLayout.isEmpty() ? null : payloadLayout;
            TextFields.require(textField);
            if (textField != null && textField.equals("metadata")) {
                throw new ConfigException("text_field must not be metadata, the key of the nested layout's metadata");
            }
            if (payloadLayout != null && !PAYLOAD_LAYOUTS.contains(payloadLayout)) {
                throw new ConfigException("payload_layout must be one of " + String.join(", ", PAYLOAD_LAYOUTS));
            }
        }

        @Override
        public String toString() {
            return "Qdrant[url=" + url + ", apiKey=" + (apiKey == null ? "null" : "****") + ", collection=" + collection
                    + ", distanceMetric=" + distanceMetric + ", textField=" + textField + ", payloadLayout="
                    + payloadLayout + "]";
        }
    }

    /**
     * Pinecone: the index is described through the control plane ({@code api.pinecone.io}) for its
     * dimension, metric and host; data go to that host. The index is never created: it is made in Pinecone
     * (serverless or pod) by its owner.
     *
     * @param apiKey sent as the {@code Api-Key} header
     * @param index the index name (1–45 of {@code a-z 0-9 -}, a letter or digit at both ends)
     * @param namespace the Pinecone namespace, or the empty string for the default namespace
     * @param streamNamespaces when true, a stream with an Airbyte namespace writes to the Pinecone namespace of
     *     that name; streams without one use {@code namespace}
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}: Pinecone's cosine, euclidean,
     *     dotproduct; the index must already use it
     * @param textField the metadata key of the chunk text, or null: the key an existing index's chunks use, else
     *     {@code text}
     */
    record Pinecone(
            String apiKey,
            String index,
            String namespace,
            boolean streamNamespaces,
            String distanceMetric,
            String textField)
            implements IndexingConfig {

        public Pinecone(
                String apiKey, String index, String namespace, boolean streamNamespaces, String distanceMetric) {
            this(apiKey, index, namespace, streamNamespaces, distanceMetric, null);
        }

        public Pinecone {
            textField = textField == null || textField.isEmpty() ? null : textField;
            TextFields.require(textField);
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(index, "index");
            namespace = namespace == null ? "" : namespace;
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            if (apiKey.isEmpty()) {
                throw new ConfigException("pinecone_key must not be empty");
            }
        }

        @Override
        public String toString() {
            return "Pinecone[apiKey=****, index=" + index + ", namespace=" + namespace + ", streamNamespaces="
                    + streamNamespaces + ", distanceMetric=" + distanceMetric + ", textField=" + textField + "]";
        }
    }

    /**
     * Milvus (and Zilliz Cloud) over REST API v2 ({@code /v2/vectordb/...}).
     *
     * @param host the endpoint, e.g. {@code https://in03-xxx.serverless.gcp-us-west1.cloud.zilliz.com} or
     *     {@code http://127.0.0.1:19530}; https unless loopback or insecure http is allowed
     * @param db the database, {@code default} by default
     * @param collection the collection name (1–255 of {@code A-Z a-z 0-9 _}, not starting with a digit)
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}: Milvus's COSINE, L2, IP
     * @param auth how requests authenticate
     * @param layout the fields a row is written in (text, vector, primary key, flat or nested metadata)
     */
    record Milvus(
            String host, String db, String collection, String distanceMetric, MilvusAuth auth, MilvusFields layout)
            implements IndexingConfig {

        public Milvus(String host, String db, String collection, String distanceMetric, MilvusAuth auth) {
            this(host, db, collection, distanceMetric, auth, null);
        }

        public Milvus {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(collection, "collection");
            db = db == null || db.isEmpty() ? "default" : db;
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            auth = auth == null ? new MilvusAuth.None() : auth;
            layout = layout == null ? new MilvusFields(null, null, null, null) : layout;
        }
    }

    /**
     * The fields of a Milvus row.
     *
     * @param textField the chunk text ({@code text}: LangChain, LlamaIndex, LangChain4j and Airbyte's Milvus
     *     destination)
     * @param vectorField the FloatVector field ({@code vector}: LangChain, LangChain4j, Airbyte)
     * @param primaryKeyField the VarChar primary key, the chunk id ({@code id}: LangChain4j, LlamaIndex)
     * @param metadataField empty (the default): each metadata key a dynamic field of its own (LangChain with
     *     {@code enable_dynamic_field}, LlamaIndex, Airbyte); a name: all metadata in that JSON field
     *     (LangChain4j's {@code metadata})
     */
    record MilvusFields(String textField, String vectorField, String primaryKeyField, String metadataField) {
        /** Milvus's rule for field names (and this spec's). */
        public static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

        public MilvusFields {
            textField = textField == null || textField.isEmpty() ? "text" : textField;
            vectorField = vectorField == null || vectorField.isEmpty() ? "vector" : vectorField;
            primaryKeyField = primaryKeyField == null || primaryKeyField.isEmpty() ? "id" : primaryKeyField;
            metadataField = metadataField == null ? "" : metadataField;
            List<String> named = new java.util.ArrayList<>(List.of(textField, vectorField, primaryKeyField));
            if (!metadataField.isEmpty()) {
                named.add(metadataField);
            }
            for (String name : named) {
                if (!FIELD_NAME.matcher(name).matches()) {
                    throw new ConfigException("Milvus field names start with a letter or _ and hold only letters,"
                            + " digits and _ (at most 255), got '" + name + "'");
                }
            }
            if (new java.util.HashSet<>(named).size() != named.size()) {
                throw new ConfigException("text_field, vector_field, primary_field and metadata_field must name"
                        + " different Milvus fields, got " + named);
            }
        }
    }

    /** Milvus authentication: both forms go as {@code Authorization: Bearer ...}. */
    sealed interface MilvusAuth {
        /** No credentials (a server with authentication off). */
        record None() implements MilvusAuth {}

        /** An API key (Zilliz Cloud) or token, sent as {@code Authorization: Bearer <token>}. */
        record Token(String token) implements MilvusAuth {
            public Token {
                Objects.requireNonNull(token, "token");
            }

            @Override
            public String toString() {
                return "Token[token=****]";
            }
        }

        /** A Milvus user, sent as {@code Authorization: Bearer <username>:<password>}. */
        record UserPassword(String username, String password) implements MilvusAuth {
            public UserPassword {
                Objects.requireNonNull(username, "username");
                Objects.requireNonNull(password, "password");
            }

            @Override
            public String toString() {
                return "UserPassword[username=" + username + ", password=****]";
            }
        }
    }

    /**
     * Weaviate (1.21 or later) over its REST API v1.
     *
     * @param host the endpoint, e.g. {@code https://my-cluster.weaviate.cloud} or {@code http://127.0.0.1:8080};
     *     https unless loopback or insecure http is allowed
     * @param layout one class for every stream, or one class per stream
     * @param distanceMetric {@code cosine} (default), {@code l2} or {@code ip}: Weaviate's cosine, l2-squared,
     *     dot
     * @param consistencyLevel {@code ONE}, {@code QUORUM} (default, Weaviate's own) or {@code ALL}: how many
     *     replicas must acknowledge each write and delete
     * @param auth how requests authenticate
     * @param extraHeaders headers sent with every request, such as {@code X-OpenAI-Api-Key} for a class whose
     *     modules call a model provider; the values are secrets
     * @param textField the property of the chunk text ({@code text}: LangChain's and Airbyte's default)
     */
    record Weaviate(
            String host,
            WeaviateLayout layout,
            String distanceMetric,
            String consistencyLevel,
            WeaviateAuth auth,
            Map<String, String> extraHeaders,
            String textField)
            implements IndexingConfig {

        /** A property name vectorsink can use as is: Weaviate's rule, first letter lowercase (Weaviate's form). */
        public static final Pattern TEXT_PROPERTY = Pattern.compile("[_a-z][_0-9A-Za-z]{0,230}");

        public Weaviate(
                String host,
                WeaviateLayout layout,
                String distanceMetric,
                String consistencyLevel,
                WeaviateAuth auth,
                Map<String, String> extraHeaders) {
            this(host, layout, distanceMetric, consistencyLevel, auth, extraHeaders, null);
        }

        /** Weaviate's consistency levels, its default first. */
        public static final List<String> CONSISTENCY_LEVELS = List.of("QUORUM", "ONE", "ALL");

        /** Weaviate's rule for class names. */
        public static final Pattern CLASS_NAME = Pattern.compile("[A-Z][_0-9A-Za-z]*");

        public Weaviate {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(layout, "layout");
            distanceMetric = DistanceMetric.nameOrDefault(distanceMetric);
            consistencyLevel = consistencyLevel == null ? CONSISTENCY_LEVELS.get(0) : consistencyLevel;
            auth = auth == null ? new WeaviateAuth.None() : auth;
            extraHeaders =
                    extraHeaders == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraHeaders));
            if (!CONSISTENCY_LEVELS.contains(consistencyLevel)) {
                throw new ConfigException("consistency_level must be one of " + String.join(", ", CONSISTENCY_LEVELS));
            }
            textField = textField == null || textField.isEmpty() ? "text" : textField;
            if (!TEXT_PROPERTY.matcher(textField).matches()
                    || List.of("id", "_id", "_additional").contains(textField)
                    || textField.startsWith("_ab_")) {
                throw new ConfigException("text_field must be a Weaviate property name: a lowercase letter or _, then"
                        + " letters, digits and _, not id, _id, _additional or an _ab_ field; got '" + textField + "'");
            }
        }

        @Override
        public String toString() {
            return "Weaviate[host=" + host + ", layout=" + layout + ", distanceMetric=" + distanceMetric
                    + ", consistencyLevel=" + consistencyLevel + ", auth=" + auth + ", extraHeaders="
                    + extraHeaders.keySet() + " (values hidden), textField=" + textField + "]";
        }
    }

    /** Where the chunks of each stream go in Weaviate. */
    sealed interface WeaviateLayout {
        /** Every stream in one class. */
        record SingleClass(String className) implements WeaviateLayout {
            public SingleClass {
                Objects.requireNonNull(className, "className");
                if (!Weaviate.CLASS_NAME.matcher(className).matches()) {
                    throw new ConfigException("class_name must match ^[A-Z][_0-9A-Za-z]*$ (Weaviate's rule for class"
                            + " names), got '" + className + "'");
                }
            }
        }

        /**
         * One class per stream, named {@code prefix} + the stream's name (see the Weaviate store for the exact
         * mapping).
         *
         * @param classPrefix empty, or a valid class name
         */
        record ClassPerStream(String classPrefix) implements WeaviateLayout {
            public ClassPerStream {
                classPrefix = classPrefix == null ? "" : classPrefix;
                if (!classPrefix.isEmpty()
                        && !Weaviate.CLASS_NAME.matcher(classPrefix).matches()) {
                    throw new ConfigException(
                            "class_prefix must be empty or match ^[A-Z][_0-9A-Za-z]*$, got '" + classPrefix + "'");
                }
            }
        }
    }

    /** Weaviate authentication; both credentials go as {@code Authorization: Bearer ...}. */
    sealed interface WeaviateAuth {
        /** No credentials (anonymous access). */
        record None() implements WeaviateAuth {}

        /** A Weaviate API key (Weaviate Cloud or {@code AUTHENTICATION_APIKEY_ALLOWED_KEYS}). */
        record ApiKey(String apiKey) implements WeaviateAuth {
            public ApiKey {
                Objects.requireNonNull(apiKey, "apiKey");
            }

            @Override
            public String toString() {
                return "ApiKey[apiKey=****]";
            }
        }

        /** An OIDC access token obtained elsewhere. */
        record BearerToken(String token) implements WeaviateAuth {
            public BearerToken {
                Objects.requireNonNull(token, "token");
            }

            @Override
            public String toString() {
                return "BearerToken[token=****]";
            }
        }
    }
}
