package io.vectorsink.checkpoint;

import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.StateText;
import io.vectorsink.protocol.StreamId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Binds each STATE to the work that arrived before it, and releases states in arrival order once that
 * work is acknowledged by the store. No threads, no I/O: callers serialise access (every method is
 * synchronized) and receive released states through a {@link Sink}.
 *
 * <p>Every record (and every other store operation a state must wait for, such as removing an older
 * generation) takes a ticket: a sequence number. A STREAM state waits for the unacknowledged tickets of
 * its stream with a smaller number; a GLOBAL or LEGACY state waits for all of them. Progress needs only
 * the smallest open ticket, as in Kafka Connect's offset tracker, so acknowledgements may arrive in any
 * order. {@code destinationStats.recordCount} is the number of records since the previous state of the
 * same scope (the stream for STREAM states, all streams for GLOBAL and LEGACY).
 */
public final class CheckpointLedger {
    /** Where released states go, with the record count to add. */
    @FunctionalInterface
    public interface Sink {
        void release(StateText rawState, long recordCount);
    }

    private record PendingState(InputMessage.State state, long lastTicketBefore, long recordCount) {}

    private final Sink sink;
    private final NavigableSet<Long> open = new TreeSet<>();
    private final Map<StreamId, NavigableSet<Long>> openByStream = new HashMap<>();
    private final Map<StreamId, Long> recordsSinceStreamState = new HashMap<>();
    private final ArrayDeque<PendingState> pending = new ArrayDeque<>();
    private long recordsSinceGlobalState;
    private long lastTicket;
    private boolean failed;
    private long released;

    public CheckpointLedger(Sink sink) {
        this.sink = sink;
    }

    /** A ticket for a record of {@code stream}; it counts towards the next state's record count. */
    public synchronized long openRecord(StreamId stream) {
        recordsSinceStreamState.merge(stream, 1L, Long::sum);
        recordsSinceGlobalState++;
        return open(stream);
    }

    /** A ticket for other work on {@code stream} that later states must wait for; it counts no record. */
    public synchronized long openOperation(StreamId stream) {
        return open(stream);
    }

    private long open(StreamId stream) {
        long ticket = ++lastTicket;
        open.add(ticket);
        openByStream.computeIfAbsent(stream, s -> new TreeSet<>()).add(ticket);
        return ticket;
    }

    /** Marks a ticket durably done and releases every state that no longer waits. */
    public synchronized void acknowledge(StreamId stream, long ticket) {
        if (!open.remove(ticket)) {
            throw new IllegalStateException("ticket " + ticket + " is not open");
        }
        NavigableSet<Long> streamTickets = openByStream.get(stream);
        if (streamTickets == null || !streamTickets.remove(ticket)) {
            throw new IllegalStateException("ticket " + ticket + " does not belong to stream " + stream);
        }
        if (streamTickets.isEmpty()) {
            openByStream.remove(stream);
        }
        releaseReady();
    }

    /** Queues a state behind the work that arrived before it. */
    public synchronized void addState(InputMessage.State state) {
        long count;
        if (state.type() == InputMessage.StateType.STREAM) {
            Long since = recordsSinceStreamState.remove(state.stream());
            count = since == null ? 0 : since;
        } else {
            count = recordsSinceGlobalState;
            recordsSinceGlobalState = 0;
        }
        pending.add(new PendingState(state, lastTicket, count));
        releaseReady();
    }

    /** After a failure no state is ever released again: Airbyte resumes from the last one emitted. */
    public synchronized void fail() {
        failed = true;
    }

    public synchronized int pendingStates() {
        return pending.size();
    }

    public synchronized int openTickets() {
        return open.size();
    }

    public synchronized long releasedStates() {
        return released;
    }

    private void releaseReady() {
        while (!failed && !pending.isEmpty() && isReady(pending.peekFirst())) {
            PendingState next = pending.removeFirst();
            sink.release(next.state().raw(), next.recordCount());
            released++;
        }
    }

    private boolean isReady(PendingState state) {
        NavigableSet<Long> waitingOn =
                state.state().type() == InputMessage.StateType.STREAM ? openByStream.get(state.state().stream()) : open;
        return waitingOn == null || waitingOn.isEmpty() || waitingOn.first() > state.lastTicketBefore();
    }
}
