package io.vectorsink.store.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.protocol.Json;
import org.junit.jupiter.api.Test;

/** Request sizes follow a collection's strict mode, as Qdrant reports it in the collection info. */
class QdrantLimitsTest {
    private static QdrantLimits of(String strictModeConfig) throws Exception {
        return QdrantLimits.of(
                Json.MAPPER.readTree("{\"result\":{\"config\":{\"strict_mode_config\":" + strictModeConfig + "}}}"));
    }

    @Test
    void should_keep_the_stores_own_sizes_without_strict_mode() throws Exception {
        assertThat(of("null")).isEqualTo(QdrantLimits.DEFAULTS);
        assertThat(of("{\"enabled\":false,\"condition_max_size\":10}")).isEqualTo(QdrantLimits.DEFAULTS);
        assertThat(QdrantLimits.of(Json.MAPPER.readTree("{\"result\":{\"config\":{}}}")))
                .isEqualTo(QdrantLimits.DEFAULTS);
    }

    @Test
    void should_lower_trims_to_condition_max_size_and_upserts_to_upsert_max_batchsize() throws Exception {
        assertThat(of("{\"enabled\":true,\"condition_max_size\":100,\"upsert_max_batchsize\":64}"))
                .isEqualTo(new QdrantLimits(100, 64, QdrantVectorStore.MAX_POINTS_PER_PAGE));
        assertThat(of("{\"enabled\":true,\"condition_max_size\":5000,\"upsert_max_batchsize\":null}"))
                .as("a limit above the store's own, or none, keeps the store's")
                .isEqualTo(QdrantLimits.DEFAULTS);
        assertThat(of("{\"enabled\":true,\"condition_max_size\":0}"))
                .isEqualTo(new QdrantLimits(1, 256, QdrantVectorStore.MAX_POINTS_PER_PAGE));
    }

    @Test
    void should_lower_lookup_pages_to_max_query_limit() throws Exception {
        assertThat(of("{\"enabled\":true,\"max_query_limit\":50}").pointsPerPage())
                .isEqualTo(50);
    }
}
