package io.vectorsink.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ConnectorProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One sync run as Airbyte runs it across attempts: every attempt is a new connector process that gets the
 * input after the last state the connector emitted in any earlier attempt (the platform's checkpoint),
 * and an attempt that does not exit cleanly is retried. {@link #killedAttempt()} SIGKILLs the process at a
 * seeded random point: a random time after start (start-up, collection set-up, first batches), or a few
 * milliseconds after the m-th state it echoes (writes in flight, states waiting). Each attempt is sent a
 * random stretch of the input and keeps stdin open, like a source that is still reading, so the kill
 * never comes after a clean end; {@link #finalAttempt()} sends the rest, closes stdin and must succeed.
 *
 * <p>Every attempt's echoed states are checked as they come: in input order, none skipped, each with
 * the number of records before it.
 */
final class ResumingSync {
    /** SIGKILL's exit status as the JVM reports it: 128 + signal 9. */
    static final int SIGKILL_EXIT = 137;

    /**
     * One attempt: the input {@code [from, to)} it was sent, the last cursor checkpointed after it, how
     * it ended, and how long it ran.
     */
    record Attempt(int from, int to, int cursorAfter, int exitCode, int states, long millis, String killPoint) {}

    private final Workload workload;
    private final Supplier<ConnectorProcess> start;
    private final Random random;
    private final List<Attempt> attempts = new ArrayList<>();
    private int cursor;
    private int maxSent;

    ResumingSync(Workload workload, Supplier<ConnectorProcess> start, long seed) {
        this.workload = workload;
        this.start = start;
        this.random = new Random(seed);
    }

    /** The cursor of the last state the connector emitted (0 before any). */
    int cursor() {
        return cursor;
    }

    /** Where the next attempt starts in the input: right after the last emitted state. */
    int resumePosition() {
        return workload.positionAfterState(cursor);
    }

    /** The furthest input position any attempt was sent (exclusive). */
    int maxSent() {
        return maxSent;
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Runs one attempt and SIGKILLs it at a random point; checks that it died of the kill. */
    Attempt killedAttempt() throws InterruptedException {
        int from = resumePosition();
        int targetCursor = Math.min(workload.lastCursor(), cursor + 1 + random.nextInt(4));
        int to = Math.min(workload.endBeforeStatus(), workload.positionAfterState(targetCursor) + random.nextInt(6));
        int statesSent = (int) workload.lines().subList(from, to).stream()
                .filter(l -> l.kind() == Workload.Kind.STATE)
                .count();
        long started = System.nanoTime();
        String killPoint;
        ConnectorProcess.Result result;
        try (ConnectorProcess process = start.get()) {
            Thread feeder = feed(process, workload.text(from, to));
            if (statesSent == 0 || random.nextInt(5) == 0) {
                int delay = random.nextInt(1500);
                // Killing a process we do not control at a random moment: real time is the point here.
                Thread.sleep(delay);
                killPoint = delay + " ms after start";
            } else {
                int states = 1 + random.nextInt(statesSent);
                for (int i = 0; i < states; i++) {
                    JsonNode state =
                            process.awaitMessage(m -> m.path("type").asText().equals("STATE"), 120);
                    assertThat(state)
                            .as("state %d of %d expected in an attempt sent input [%d, %d)", i + 1, states, from, to)
                            .isNotNull();
                }
                int delay = random.nextInt(40);
                Thread.sleep(delay);
                killPoint = delay + " ms after state " + states + " of " + statesSent;
            }
            process.kill();
            result = process.await(60);
            feeder.join(10_000);
        }
        assertThat(result.exitCode())
                .as("exit status of the killed attempt (SIGKILL is 137; stderr:\n%s)", result.stderr())
                .isEqualTo(SIGKILL_EXIT);
        maxSent = Math.max(maxSent, to);
        return record(from, to, result, started, killPoint);
    }

    /** Sends the rest of the input, closes stdin, and requires a clean end with every remaining state. */
    Attempt finalAttempt() {
        int from = resumePosition();
        long started = System.nanoTime();
        ConnectorProcess.Result result;
        try (ConnectorProcess process = start.get()) {
            process.write(workload.text(from, workload.size()));
            process.closeStdin();
            result = process.await(300);
        }
        assertThat(result.exitCode())
                .as("exit code of the final attempt; stderr:\n%s", result.stderr())
                .isZero();
        assertThat(result.traceError()).isNull();
        maxSent = workload.size();
        Attempt attempt = record(from, workload.size(), result, started, "none");
        assertThat(cursor).as("every state echoed by the end").isEqualTo(workload.lastCursor());
        return attempt;
    }

    private Attempt record(int from, int to, ConnectorProcess.Result result, long started, String killPoint) {
        List<JsonNode> states = states(result.stdoutLines());
        for (JsonNode state : states) {
            int echoed = state.at("/stream/stream_state/cursor").asInt();
            assertThat(echoed)
                    .as(
                            "states leave in input order, none skipped (attempt from %d; stderr:\n%s)",
                            from, result.stderr())
                    .isEqualTo(cursor + 1);
            assertThat(state.at("/destinationStats/recordCount").asDouble())
                    .as("recordCount of the state with cursor %d", echoed)
                    .isEqualTo(workload.recordsBeforeState(echoed));
            cursor = echoed;
        }
        Attempt attempt = new Attempt(
                from,
                to,
                cursor,
                result.exitCode(),
                states.size(),
                (System.nanoTime() - started) / 1_000_000,
                killPoint);
        attempts.add(attempt);
        return attempt;
    }

    /**
     * The STATE messages on stdout. A SIGKILL can cut the last line short; the platform would discard it
     * too, so a final line that is not JSON is skipped, any other is an error.
     */
    static List<JsonNode> states(List<String> lines) {
        List<JsonNode> states = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    continue;
                }
                throw new AssertionError("stdout holds a line that is not JSON: " + lines.get(i), e);
            }
            if (message.path("type").asText().equals("STATE")) {
                states.add(message.get("state"));
            }
        }
        return states;
    }

    private static Thread feed(ConnectorProcess process, String text) {
        Thread thread = new Thread(() -> {
            try {
                process.write(text);
            } catch (UncheckedIOException e) {
                // The attempt was killed while its input was still being written: a broken pipe.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
