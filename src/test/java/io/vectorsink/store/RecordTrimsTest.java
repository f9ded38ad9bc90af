package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.RecordTrims.Group;
import io.vectorsink.store.VectorStore.RecordTrim;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTrimsTest {
    private static final StreamId STREAM = StreamId.of("docs");

    @Test
    void should_trim_a_record_from_its_lowest_index_when_listed_twice() {
        List<Group> groups =
                RecordTrims.groups(List.of(new RecordTrim(STREAM, "a", 3), new RecordTrim(STREAM, "a", 1)), 10);

        assertThat(groups).containsExactly(new Group(1, List.of("a")));
    }

    @Test
    void should_group_by_ascending_start_index_in_first_seen_order_and_slice_by_max_ids() {
        List<RecordTrim> trims = List.of(
                new RecordTrim(STREAM, "a", 2),
                new RecordTrim(STREAM, "b", 0),
                new RecordTrim(STREAM, "c", 2),
                new RecordTrim(STREAM, "d", 2),
                new RecordTrim(STREAM, "e", 0));

        assertThat(RecordTrims.groups(trims, 2))
                .containsExactly(
                        new Group(0, List.of("b", "e")), new Group(2, List.of("a", "c")), new Group(2, List.of("d")));
    }

    @Test
    void should_reject_a_negative_start_index() {
        assertThatThrownBy(() -> RecordTrims.fromByRecord(List.of(new RecordTrim(STREAM, "a", -1))))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("fromChunkIndex must be >= 0");
    }

    @Test
    void should_return_no_groups_when_there_are_no_trims() {
        assertThat(RecordTrims.groups(List.of(), 5)).isEmpty();
    }
}
