package io.vectorsink.store.qdrant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How large the store's requests to one collection may be: its own defaults, lowered to the collection's
 * strict mode ({@code config.strict_mode_config} of the collection info, Qdrant 1.13 and later; Qdrant Cloud
 * turns it on for new collections). A request beyond a strict-mode limit is refused whole, so a trim of
 * 1,000 record ids in one {@code match.any} fails on a collection whose {@code condition_max_size} is lower.
 *
 * @param idsPerDelete record ids in the {@code match.any} of one trim delete or lookup, and point ids in one
 *     retrieve or payload update
 * @param pointsPerUpsert points in one upsert request
 * @param pointsPerPage the {@code limit} of one scroll page ({@code max_query_limit} in strict mode)
 */
record QdrantLimits(int idsPerDelete, int pointsPerUpsert, int pointsPerPage) {
    static final QdrantLimits DEFAULTS = new QdrantLimits(
            QdrantVectorStore.MAX_IDS_PER_DELETE,
            QdrantVectorStore.MAX_POINTS_PER_UPSERT,
            QdrantVectorStore.MAX_POINTS_PER_PAGE);

    /** The limits for the collection whose {@code GET /collections/{c}} answer is {@code info}. */
    static QdrantLimits of(JsonNode info) {
        JsonNode strict = info.path("result").path("config").path("strict_mode_config");
        if (!strict.path("enabled").asBoolean(false)) {
            return DEFAULTS;
        }
        return new QdrantLimits(
                lower(DEFAULTS.idsPerDelete, strict.path("condition_max_size")),
                lower(DEFAULTS.pointsPerUpsert, strict.path("upsert_max_batchsize")),
                lower(DEFAULTS.pointsPerPage, strict.path("max_query_limit")));
    }

    private static int lower(int own, JsonNode limit) {
        // A limit of 0 would forbid the operation outright; at least one item per request is still sent.
        return limit.isIntegralNumber() ? (int) Math.max(1, Math.min(own, limit.asLong())) : own;
    }
}
