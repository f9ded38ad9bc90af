package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paging a lookup within a store's result window: splitting record groups, never a partial record. */
class LookupReadsTest {
    /** Rows per record: r0 has 3, r1 has 25 (more than the window), r2 has 4, r3 has 9. */
    private static final Map<String, Integer> CHUNKS = Map.of("r0", 3, "r1", 25, "r2", 4, "r3", 9);

    private final List<String> reads = new ArrayList<>();

    private List<String> page(List<String> ids, int offset, int limit) {
        reads.add(ids + "@" + offset);
        List<String> rows = new ArrayList<>();
        for (String id : ids) {
            for (int i = 0; i < CHUNKS.get(id); i++) {
                rows.add(id + "#" + i);
            }
        }
        return rows.subList(Math.min(offset, rows.size()), Math.min(offset + limit, rows.size()));
    }

    @Test
    void should_split_groups_that_would_page_past_the_window_and_leave_out_a_record_that_alone_does() {
        LookupReads.Pages<String> pages = LookupReads.read(List.of("r0", "r1", "r2", "r3"), 4, 5, 20, this::page);

        assertThat(pages.tooLarge()).containsExactly("r1");
        assertThat(pages.rows()).noneMatch(row -> row.startsWith("r1#"));
        assertThat(pages.rows()).hasSize(3 + 4 + 9).doesNotHaveDuplicates();
        // No read asked past the window of 20 rows.
        assertThat(reads).allSatisfy(read -> assertThat(Integer.parseInt(read.substring(read.indexOf('@') + 1)))
                .isLessThanOrEqualTo(15));
    }

    @Test
    void should_read_a_small_group_in_one_page() {
        LookupReads.Pages<String> pages = LookupReads.read(List.of("r0", "r2"), 10, 50, 100, this::page);

        assertThat(pages.rows()).hasSize(7);
        assertThat(pages.tooLarge()).isEmpty();
        assertThat(reads).containsExactly("[r0, r2]@0");
    }
}
