package io.vectorsink.process;

import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ConnectorProcess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input and the checks every outage test shares: a first batch of stream {@code docs} whose state is
 * awaited, then, once the test has started the outage, more records and states with stdin left open (the
 * source is still reading). The sync must fail by itself with a transient_error, after the first state
 * and no other, within its retry bound by its own measure.
 */
final class OutageScript {
    private static final Pattern RETRY_TIME = Pattern.compile("after \\d+ (?:attempts?|sends?) in ([0-9.]+) s");

    private OutageScript() {}

    /** Records 1 and 2 and state 1, and waits until the connector releases that state. */
    static void writeBeforeAndAwaitState(ConnectorProcess sync) throws InterruptedException {
        sync.write(record("docs", "{\"id\":1,\"text\":\"before the outage\"}")
                + record("docs", "{\"id\":2,\"text\":\"also before\"}")
                + streamState("docs", "{\"cursor\":1}"));
        assertThat(sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60))
                .isNotNull();
    }

    /** Record 3, a newer record 1, state 2, record 4 and state 3: none of it may be acknowledged. */
    static void writeDuring(ConnectorProcess sync) {
        sync.write(record("docs", "{\"id\":3,\"text\":\"during the outage\"}")
                + record("docs", "{\"id\":1,\"text\":\"a newer version\"}")
                + streamState("docs", "{\"cursor\":2}")
                + record("docs", "{\"id\":4,\"text\":\"later still\"}")
                + streamState("docs", "{\"cursor\":3}"));
    }

    /**
     * Checks the failure and returns the connector's own retry time in seconds.
     *
     * @param service what the error message must name, such as {@code "Chroma"}
     */
    static double assertFailedAfterFirstState(ConnectorProcess.Result result, String service, int boundSeconds) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("transient_error");
        assertThat(error.get("message").asText()).contains(service);
        assertThat(result.states())
                .extracting(s -> s.at("/stream/stream_state/cursor").asInt())
                .containsExactly(1);
        double retried = retrySeconds(error);
        assertThat(retried).as("the connector's own measure of its retries").isLessThanOrEqualTo(boundSeconds);
        return retried;
    }

    /**
     * The retry time the connector reports in its error ("... after 5 attempts in 3.9 s ..."); the
     * longest, when a store's resends of refused items add the whole write's time ("after 3 sends in").
     */
    private static double retrySeconds(JsonNode error) {
        String text = error.get("message").asText() + " "
                + error.path("internal_message").asText();
        Matcher matcher = RETRY_TIME.matcher(text);
        double longest = -1;
        while (matcher.find()) {
            longest = Math.max(longest, Double.parseDouble(matcher.group(1)));
        }
        assertThat(longest).as("the error names its retry time: " + text).isNotNegative();
        return longest;
    }
}
