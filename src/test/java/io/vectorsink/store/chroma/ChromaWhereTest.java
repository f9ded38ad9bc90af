package io.vectorsink.store.chroma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore.RecordTrim;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChromaWhereTest {
    @Test
    void should_use_a_plain_equality_when_one_record_is_deleted_whole() {
        List<ObjectNode> filters = ChromaWhere.trims(List.of(new RecordTrim(StreamId.of("docs"), "r1", 0)));

        assertThat(filters).hasSize(1);
        assertThat(filters.get(0).toString()).isEqualTo("{\"_ab_record_id\":\"r1\"}");
    }

    @Test
    void should_and_the_chunk_index_when_one_record_is_trimmed() {
        List<ObjectNode> filters = ChromaWhere.trims(List.of(new RecordTrim(StreamId.of("docs"), "r1", 3)));

        assertThat(filters.get(0).toString())
                .isEqualTo("{\"$and\":[{\"_ab_record_id\":\"r1\"},{\"_ab_chunk_index\":{\"$gte\":3}}]}");
    }

    @Test
    void should_group_records_by_start_index_and_or_the_groups() {
        List<ObjectNode> filters = ChromaWhere.trims(List.of(
                new RecordTrim(StreamId.of("docs"), "a", 2),
                new RecordTrim(StreamId.of("docs"), "b", 0),
                new RecordTrim(StreamId.of("docs"), "c", 2),
                new RecordTrim(StreamId.of("docs"), "d", 0)));

        assertThat(filters).hasSize(1);
        assertThat(filters.get(0).toString())
                .isEqualTo(
                        "{\"$or\":[{\"_ab_record_id\":{\"$in\":[\"b\",\"d\"]}},"
                                + "{\"$and\":[{\"_ab_record_id\":{\"$in\":[\"a\",\"c\"]}},{\"_ab_chunk_index\":{\"$gte\":2}}]}]}");
    }

    @Test
    void should_trim_from_the_lower_index_when_a_record_is_listed_twice() {
        List<ObjectNode> filters = ChromaWhere.trims(
                List.of(new RecordTrim(StreamId.of("docs"), "a", 4), new RecordTrim(StreamId.of("docs"), "a", 1)));

        assertThat(filters.get(0).toString()).contains("{\"$gte\":1}").doesNotContain("$or");
    }

    @Test
    void should_split_requests_within_the_predicate_and_id_bounds_without_losing_a_record() {
        List<RecordTrim> trims = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            trims.add(new RecordTrim(StreamId.of("docs"), "r" + i, i % 7));
        }

        List<ObjectNode> filters = ChromaWhere.trims(trims);

        Set<String> covered = new HashSet<>();
        for (ObjectNode filter : filters) {
            assertThat(predicates(filter)).isLessThanOrEqualTo(ChromaWhere.MAX_PREDICATES);
            List<String> ids = ids(filter);
            assertThat(ids.size()).isLessThanOrEqualTo(ChromaWhere.MAX_IDS_PER_REQUEST);
            covered.addAll(ids);
            assertOperatorsHaveTwoClauses(filter);
        }
        assertThat(covered).hasSize(1000);
    }

    @Test
    void should_match_stream_and_namespace_together() {
        assertThat(ChromaWhere.stream(new StreamId("a", "b")).toString())
                .isEqualTo("{\"$and\":[{\"_ab_stream\":\"a_b\"},{\"_ab_namespace\":\"a\"}]}");
        assertThat(ChromaWhere.stream(StreamId.of("a_b")).toString())
                .isEqualTo("{\"$and\":[{\"_ab_stream\":\"a_b\"},{\"_ab_namespace\":\"\"}]}");
    }

    @Test
    void should_filter_stale_chunks_by_generation_or_sync_id() {
        assertThat(ChromaWhere.stale(StreamId.of("s"), new StaleFilter.OlderGeneration(5))
                        .toString())
                .isEqualTo("{\"$and\":[{\"_ab_stream\":\"s\"},{\"_ab_namespace\":\"\"},"
                        + "{\"_ab_generation_id\":{\"$lt\":5}}]}");
        assertThat(ChromaWhere.stale(StreamId.of("s"), new StaleFilter.OtherSync("sync-9"))
                        .toString())
                .endsWith("{\"_ab_sync_id\":{\"$ne\":\"sync-9\"}}]}");
    }

    private static int predicates(JsonNode node) {
        if (node.has("$or") || node.has("$and")) {
            int sum = 0;
            for (JsonNode child : node.path(node.has("$or") ? "$or" : "$and")) {
                sum += predicates(child);
            }
            return sum;
        }
        return 1;
    }

    private static List<String> ids(JsonNode node) {
        List<String> ids = new ArrayList<>();
        node.findValues("_ab_record_id").forEach(value -> {
            if (value.isTextual()) {
                ids.add(value.asText());
            } else {
                value.path("$in").forEach(id -> ids.add(id.asText()));
            }
        });
        return ids;
    }

    private static void assertOperatorsHaveTwoClauses(JsonNode node) {
        for (String operator : List.of("$or", "$and")) {
            if (node.has(operator)) {
                assertThat(node.get(operator).size()).isGreaterThanOrEqualTo(2);
                node.get(operator).forEach(ChromaWhereTest::assertOperatorsHaveTwoClauses);
            }
        }
    }
}
