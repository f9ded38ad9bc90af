package io.vectorsink.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.StateText;
import io.vectorsink.protocol.StreamId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointLedgerTest {
    private static final StreamId A = StreamId.of("a");
    private static final StreamId B = StreamId.of("b");

    private final List<String> released = new ArrayList<>();
    private final CheckpointLedger ledger =
            new CheckpointLedger((raw, count) -> released.add(raw.json() + ":" + count));

    private static InputMessage.State streamState(StreamId stream, String id) {
        return new InputMessage.State(1, InputMessage.StateType.STREAM, stream, StateText.of(id));
    }

    private static InputMessage.State globalState(String id) {
        return new InputMessage.State(1, InputMessage.StateType.GLOBAL, null, StateText.of(id));
    }

    @Test
    void should_release_state_with_zero_count_when_no_record_came_before_it() {
        ledger.addState(globalState("s1"));
        assertThat(released).containsExactly("s1:0");
    }

    @Test
    void should_hold_state_until_every_earlier_record_is_acknowledged() {
        long t1 = ledger.openRecord(A);
        long t2 = ledger.openRecord(A);
        ledger.addState(streamState(A, "s1"));
        ledger.acknowledge(A, t2);
        assertThat(released).isEmpty();
        ledger.acknowledge(A, t1);
        assertThat(released).containsExactly("s1:2");
    }

    @Test
    void should_not_wait_for_records_that_arrived_after_the_state() {
        long t1 = ledger.openRecord(A);
        ledger.addState(streamState(A, "s1"));
        ledger.openRecord(A);
        ledger.acknowledge(A, t1);
        assertThat(released).containsExactly("s1:1");
    }

    @Test
    void should_release_in_arrival_order_even_when_a_later_stream_state_is_ready_first() {
        long a1 = ledger.openRecord(A);
        ledger.addState(streamState(A, "sa"));
        ledger.addState(streamState(B, "sb"));
        assertThat(released).isEmpty();
        ledger.acknowledge(A, a1);
        assertThat(released).containsExactly("sa:1", "sb:0");
    }

    @Test
    void should_let_a_stream_state_ignore_other_streams_but_a_global_state_wait_for_all() {
        long a1 = ledger.openRecord(A);
        long b1 = ledger.openRecord(B);
        ledger.addState(streamState(B, "sb"));
        ledger.acknowledge(B, b1);
        assertThat(released).containsExactly("sb:1");
        ledger.addState(globalState("g"));
        assertThat(released).containsExactly("sb:1");
        ledger.acknowledge(A, a1);
        assertThat(released).containsExactly("sb:1", "g:2");
    }

    @Test
    void should_count_records_per_stream_since_that_streams_previous_state() {
        ledger.acknowledge(A, ledger.openRecord(A));
        ledger.acknowledge(B, ledger.openRecord(B));
        ledger.acknowledge(A, ledger.openRecord(A));
        ledger.addState(streamState(A, "a1"));
        ledger.addState(streamState(B, "b1"));
        ledger.acknowledge(A, ledger.openRecord(A));
        ledger.addState(streamState(A, "a2"));
        ledger.addState(streamState(B, "b2"));
        assertThat(released).containsExactly("a1:2", "b1:1", "a2:1", "b2:0");
    }

    @Test
    void should_make_states_wait_for_operations_without_counting_them() {
        long record = ledger.openRecord(A);
        ledger.acknowledge(A, record);
        long cleanup = ledger.openOperation(A);
        ledger.addState(streamState(A, "s"));
        assertThat(released).isEmpty();
        ledger.acknowledge(A, cleanup);
        assertThat(released).containsExactly("s:1");
    }

    @Test
    void should_never_release_after_a_failure() {
        long t = ledger.openRecord(A);
        ledger.addState(streamState(A, "s"));
        ledger.fail();
        ledger.acknowledge(A, t);
        ledger.addState(globalState("g"));
        assertThat(released).isEmpty();
        assertThat(ledger.pendingStates()).isEqualTo(2);
    }

    @Test
    void should_reject_an_unknown_or_repeated_acknowledgement() {
        long t = ledger.openRecord(A);
        ledger.acknowledge(A, t);
        assertThatThrownBy(() -> ledger.acknowledge(A, t)).isInstanceOf(IllegalStateException.class);
    }
}
