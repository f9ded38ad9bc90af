package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointBatchesTest {

    private static List<List<String>> split(List<String> items, int maxCount, long maxBytes) {
        List<List<String>> batches = new ArrayList<>();
        PointBatches.forEach(items, maxCount, maxBytes, String::length, batches::add);
        return batches;
    }

    @Test
    void should_split_by_count_when_items_are_small() {
        assertThat(split(List.of("a", "b", "c", "d", "e"), 2, 100))
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    }

    @Test
    void should_split_by_bytes_when_the_next_item_would_overflow() {
        assertThat(split(List.of("aaa", "bb", "c", "dddd"), 10, 6))
                .containsExactly(List.of("aaa", "bb", "c"), List.of("dddd"));
    }

    @Test
    void should_send_an_oversized_item_alone_when_it_exceeds_the_byte_limit() {
        assertThat(split(List.of("a", "toolong", "b"), 10, 3))
                .containsExactly(List.of("a"), List.of("toolong"), List.of("b"));
    }

    @Test
    void should_send_nothing_when_there_are_no_items() {
        assertThat(split(List.of(), 3, 10)).isEmpty();
    }
}
