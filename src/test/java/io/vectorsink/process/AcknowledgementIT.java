package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.HoldingProxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 1 at the process level: a STATE leaves only after the store has acknowledged the records before it. */
class AcknowledgementIT extends ProcessTestSupport {

    @Test
    void should_emit_no_state_while_chromas_upsert_response_is_held_back() throws Exception {
        String collection = freshCollection("held");
        try (HoldingProxy proxy = new HoldingProxy(chromaUrl());
                ConnectorProcess sync = startWrite(
                        fakeConfig(collection, "").replace(chromaUrl(), proxy.url()),
                        catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)))) {
            sync.write(record("docs", "{\"id\":1,\"text\":\"held back\"}") + streamState("docs", "{\"c\":1}"));
            assertThat(proxy.awaitHeldUpsert(60))
                    .as("the upsert reached Chroma")
                    .isTrue();
            // Chroma has the chunk now; only its answer is missing. No state may appear meanwhile.
            assertThat(chroma().all(collection)).hasSize(1);
            assertThat(sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 3))
                    .isNull();
            proxy.release();
            var state = sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60);
            assertThat(state).isNotNull();
            assertThat(state.get("state")
                            .get("destinationStats")
                            .get("recordCount")
                            .asDouble())
                    .isEqualTo(1.0);
            sync.closeStdin();
            assertThat(sync.await(60).exitCode()).isZero();
        }
    }
}
