package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.store.DistanceMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where OpenSearch and Elasticsearch differ for vectorsink: the vector field's mapping and the k-NN search.
 * Documents, {@code _bulk}, {@code _delete_by_query}, {@code _mapping}, {@code _refresh} and the API-key
 * header are the same APIs in both, and so is the score of each metric (both rank with Lucene's similarity
 * functions: cosine {@code (1 + cos) / 2}, l2 {@code 1 / (1 + d²)}, inner product {@code 1 + dot} for a
 * non-negative dot and {@code 1 / (1 - dot)} otherwise), so {@link OpenSearchVectorStore} turns scores into
 * distances alike for both.
 *
 * <p>Which one a URL serves is read from its root answer ({@link #detect}), never configured: a user
 * cannot pick the wrong one.
 */
sealed interface SearchEngine {
    /** The product name, for messages. */
    String product();

    /** The index settings the vector field needs ({@code index.knn} for OpenSearch). */
    void addIndexSettings(ObjectNode indexSettings);

    /** The mapping type of the vector field: {@code knn_vector} or {@code dense_vector}. */
    String vectorType();

    /** The most dimensions a vector field of this engine indexes. */
    int maxDimensions();

    /** The mapping of the vector field for {@code dimension} and the config's metric. */
    ObjectNode vectorField(int dimension, DistanceMetric metric);

    /**
     * What is wrong with an existing index's vector field {@code name} for this dimension and metric, in
     * plain words; empty when it fits.
     *
     * @throws ConfigException when the field is missing or is not a vector field at all
     */
    List<String> problems(JsonNode field, String name, String index, int dimension, DistanceMetric metric);

    /**
     * What a user should know about an existing vector field that works (such as distances that are
     * approximate); empty when there is nothing to say.
     */
    default List<String> notes(JsonNode field, String name, String index) {
        return List.of();
    }

    /** A k-NN search body on {@code field}; {@code filter} (the stream's term filters) narrows it when not null. */
    ObjectNode knnSearch(String field, float[] vector, int limit, ArrayNode filter);

    /**
     * The engine behind a root answer ({@code GET /}): OpenSearch names itself in
     * {@code version.distribution}; Elasticsearch has no such field.
     *
     * @throws ConfigException when the answer is neither, or names an Elasticsearch too old for k-NN search
     */
    static SearchEngine detect(JsonNode root, String shownUrl, DistanceMetric metric) {
        JsonNode version = root.path("version");
        String number = version.path("number").asText("");
        if (!version.path("number").isTextual()) {
            throw new ConfigException(shownUrl + " does not answer like OpenSearch or Elasticsearch (no version at"
                    + " its root URL); check indexing.url");
        }
        if ("opensearch".equals(version.path("distribution").asText())) {
            return new OpenSearchKnn();
        }
        Matcher parts = VERSION.matcher(number);
        int major = parts.lookingAt() ? Integer.parseInt(parts.group(1)) : 0;
        int minor = parts.lookingAt() ? Integer.parseInt(parts.group(2)) : 0;
        // 8.4 moved k-NN search into _search (the form used here); 8.11 added max_inner_product.
        if (major < 8 || (major == 8 && minor < 4)) {
            throw new ConfigException(shownUrl + " runs Elasticsearch " + number + "; vectorsink needs Elasticsearch"
                    + " 8.4 or later (k-NN search in _search), or OpenSearch 2.x with the k-NN plugin");
        }
        if (metric == DistanceMetric.IP && major == 8 && minor < 11) {
            throw new ConfigException(shownUrl + " runs Elasticsearch " + number + ", whose inner-product similarity"
                    + " needs unit-length vectors; distance_metric ip needs Elasticsearch 8.11 or later"
                    + " (max_inner_product), or use cosine");
        }
        return new ElasticsearchDenseVector(number, major, minor);
    }

    /** {@code major.minor} at the start of a version number such as {@code 8.15.1} or {@code 9.0.0-SNAPSHOT}. */
    Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    /** OpenSearch's k-NN plugin: a {@code knn_vector} on the lucene engine and the {@code knn} query. */
    record OpenSearchKnn() implements SearchEngine {
        /** The k-NN space types for the config's metrics. */
        static final Map<DistanceMetric, String> SPACE_TYPES = Map.of(
                DistanceMetric.COSINE, "cosinesimil", DistanceMetric.L2, "l2", DistanceMetric.IP, "innerproduct");

        @Override
        public String product() {
            return "OpenSearch";
        }

        @Override
        public void addIndexSettings(ObjectNode indexSettings) {
            indexSettings.put("knn", true);
        }

        @Override
        public String vectorType() {
            return "knn_vector";
        }

        /** The lucene engine's limit (OpenSearch 2.x). */
        @Override
        public int maxDimensions() {
            return 16_000;
        }

        /**
         * An explicit HNSW method on the lucene engine: the default engine, faiss, needs native libraries that
         * not every node has (it crashes the node of the test suite), and lucene filters during the search.
         */
        @Override
        public ObjectNode vectorField(int dimension, DistanceMetric metric) {
            ObjectNode vector = NODES.objectNode();
            vector.put("type", "knn_vector");
            vector.put("dimension", dimension);
            ObjectNode method = vector.putObject("method");
            method.put("name", "hnsw");
            method.put("engine", "lucene");
            method.put("space_type", SPACE_TYPES.get(metric));
            return vector;
        }

        @Override
        public List<String> problems(JsonNode field, String name, String index, int dimension, DistanceMetric metric) {
            requireType(field, name, vectorType(), product(), index);
            List<String> problems = new ArrayList<>();
            dimensionProblem(product(), index, field.path("dimension").asInt(-1), dimension, problems);
            String space = field.path("method")
                    .path("space_type")
                    .asText(field.path("space_type").asText("l2"));
            String wanted = SPACE_TYPES.get(metric);
            if (!space.equals(wanted)) {
                problems.add(metricProblem(
                        product(), index, "space_type " + space, metric, "space_type " + wanted, SPACE_TYPES, space));
            }
            return problems;
        }

        @Override
        public ObjectNode knnSearch(String field, float[] vector, int limit, ArrayNode filter) {
            ObjectNode body = searchBody(field, limit);
            ObjectNode knn = body.putObject("query").putObject("knn").putObject(field);
            addVector(knn.putArray("vector"), vector);
            knn.put("k", limit);
            if (filter != null) {
                // The lucene engine filters during the graph search, so k results come back when k exist.
                knn.putObject("filter").putObject("bool").set("filter", filter);
            }
            return body;
        }
    }

    /**
     * Elasticsearch 8.4+: an indexed {@code dense_vector} with a similarity, and the {@code knn} option of
     * {@code _search}, whose filter applies during the graph search.
     *
     * @param version the version number the root answer gave, for messages
     */
    record ElasticsearchDenseVector(String version, int major, int minor) implements SearchEngine {
        /**
         * The similarities for the config's metrics. {@code dot_product} would require unit-length vectors
         * (Elasticsearch refuses others), which vectors from a record's field need not be:
         * {@code max_inner_product} takes any.
         */
        static final Map<DistanceMetric, String> SIMILARITIES = Map.of(
                DistanceMetric.COSINE, "cosine", DistanceMetric.L2, "l2_norm", DistanceMetric.IP, "max_inner_product");

        /**
         * The {@code index_options} types that keep quantized copies of the vectors and score with them:
         * Elasticsearch 8.14+ maps a new {@code dense_vector} as {@code int8_hnsw} unless told otherwise.
         */
        static final List<String> QUANTIZED =
                List.of("int8_hnsw", "int4_hnsw", "bbq_hnsw", "int8_flat", "int4_flat", "bbq_flat");

        /** Candidates per shard: ten per result, within Elasticsearch's cap of 10,000. */
        static int candidates(int limit) {
            return Math.min(10_000, Math.max(100, limit * 10));
        }

        @Override
        public String product() {
            return "Elasticsearch";
        }

        @Override
        public void addIndexSettings(ObjectNode indexSettings) {}

        @Override
        public String vectorType() {
            return "dense_vector";
        }

        /** 4,096 from 8.11 on (2,048 in 8.8–8.10, 1,024 before): the limit the mapping enforces. */
        @Override
        public int maxDimensions() {
            if (major > 8 || minor >= 11) {
                return 4096;
            }
            return minor >= 8 ? 2048 : 1024;
        }

        /**
         * {@code index_options} type {@code hnsw}: the graph holds the float vectors themselves, so the scores
         * (and the distances vectorsink reports) are exact, where the default of 8.14+ ({@code int8_hnsw})
         * scores with 8-bit copies. Every 8.x with indexed vectors takes this {@code index_options}.
         */
        @Override
        public ObjectNode vectorField(int dimension, DistanceMetric metric) {
            ObjectNode vector = NODES.objectNode();
            vector.put("type", "dense_vector");
            vector.put("dims", dimension);
            vector.put("index", true);
            vector.put("similarity", SIMILARITIES.get(metric));
            vector.putObject("index_options").put("type", "hnsw");
            return vector;
        }

        @Override
        public List<String> problems(JsonNode field, String name, String index, int dimension, DistanceMetric metric) {
            requireType(field, name, vectorType(), product(), index);
            List<String> problems = new ArrayList<>();
            if (!field.path("index").asBoolean(true)) {
                problems.add("Elasticsearch index '" + index + "' does not index its dense_vector field '" + name
                        + "' (\"index\": false), so it cannot be searched; use another index name");
            }
            String elementType = field.path("element_type").asText("float");
            if (!elementType.equals("float")) {
                problems.add("Elasticsearch index '" + index + "' stores its dense_vector field '" + name
                        + "' with element_type " + elementType + ", which holds "
                        + (elementType.equals("byte") ? "whole numbers from -128 to 127" : "bits")
                        + ", not the decimal values embeddings are; use another index name (vectorsink creates it"
                        + " with element_type float)");
            }
            // Without dims the first document sets it (Elasticsearch 8.x): any dimension fits until then.
            if (field.has("dims")) {
                dimensionProblem(product(), index, field.path("dims").asInt(), dimension, problems);
            }
            // Elasticsearch 8.11+ maps an indexed float vector without a similarity as cosine.
            String similarity = field.path("similarity").asText("cosine");
            String wanted = SIMILARITIES.get(metric);
            if (!similarity.equals(wanted)) {
                problems.add(metricProblem(
                        product(),
                        index,
                        "similarity " + similarity,
                        metric,
                        "similarity " + wanted,
                        SIMILARITIES,
                        similarity));
            }
            return problems;
        }

        @Override
        public List<String> notes(JsonNode field, String name, String index) {
            String type = field.path("index_options").path("type").asText("");
            if (!QUANTIZED.contains(type)) {
                return List.of();
            }
            return List.of("Elasticsearch index '" + index + "' quantizes its dense_vector field '" + name
                    + "' (index_options type " + type + "), so search scores and distances are approximate;"
                    + " an index vectorsink creates uses type hnsw, whose scores are exact");
        }

        @Override
        public ObjectNode knnSearch(String field, float[] vector, int limit, ArrayNode filter) {
            ObjectNode body = searchBody(field, limit);
            ObjectNode knn = body.putObject("knn");
            knn.put("field", field);
            addVector(knn.putArray("query_vector"), vector);
            knn.put("k", limit);
            knn.put("num_candidates", candidates(limit));
            if (filter != null) {
                knn.putObject("filter").putObject("bool").set("filter", filter);
            }
            return body;
        }
    }

    /** A search of {@code limit} hits that leaves the vectors out of the answer. */
    private static ObjectNode searchBody(String field, int limit) {
        ObjectNode body = NODES.objectNode();
        body.put("size", limit);
        body.putObject("_source").putArray("excludes").add(field);
        return body;
    }

    private static void addVector(ArrayNode values, float[] vector) {
        for (float value : vector) {
            values.add(value);
        }
    }

    private static void requireType(JsonNode field, String name, String type, String product, String index) {
        if (!type.equals(field.path("type").asText())) {
            throw new ConfigException(product + " index '" + index + "' exists but has no " + type + " field '"
                    + name + "'; use another index name (vectorsink creates it) or set indexing.vector_field to"
                    + " the index's " + type + " field");
        }
    }

    private static void dimensionProblem(String product, String index, int existing, int dimension, List<String> out) {
        if (existing != dimension) {
            out.add(product + " index '" + index + "' holds vectors of " + existing
                    + " dimensions, but the embedding model makes " + dimension
                    + "; use another index name or an embedding model with " + existing + " dimensions");
        }
    }

    private static String metricProblem(
            String product,
            String index,
            String found,
            DistanceMetric metric,
            String needed,
            Map<DistanceMetric, String> names,
            String foundName) {
        String matching = DistanceMetric.named(names, foundName)
                .map(DistanceMetric::configName)
                .orElse(null);
        return product + " index '" + index + "' uses " + found + ", but distance_metric is " + metric + " (" + needed
                + "); " + (matching == null ? "" : "set distance_metric to " + matching + " or ")
                + "use another index name";
    }

    JsonNodeFactory NODES = JsonNodeFactory.instance;
}
