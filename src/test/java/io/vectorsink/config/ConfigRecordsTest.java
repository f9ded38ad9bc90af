package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records check their own rules too, for configs built in code rather than parsed. */
class ConfigRecordsTest {
    private static ProcessingConfig processing(int chunkSize, int chunkOverlap) {
        return new ProcessingConfig(
                chunkSize, chunkOverlap, List.of(), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
    }

    @Test
    void should_reject_overlap_when_it_is_not_less_than_chunk_size() {
        assertThatCode(() -> processing(10, 9)).doesNotThrowAnyException();
        assertThatThrownBy(() -> processing(10, 10))
                .isInstanceOf(ConfigException.class)
                .hasMessage("chunk_overlap must be at least 0 and less than chunk_size");
        assertThatThrownBy(() -> processing(0, 0)).isInstanceOf(ConfigException.class);
    }

    @Test
    void should_reject_values_outside_their_ranges() {
        assertThatThrownBy(() -> new EmbeddingConfig.Fake(4097)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new EmbeddingConfig.Local("gpt")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new TextSplitterConfig.Markdown(0)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new TextSplitterConfig.Code("cobol")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new TextSplitterConfig.Separator(List.of(), false))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new ProcessingConfig.FieldMapping("a", "")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new IndexingConfig.ChromaAuth.Token("t0ken", "bearer"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new IndexingConfig.Chroma(
                        "http://127.0.0.1:8000", "t", "d", "c", "dot", new IndexingConfig.ChromaAuth.None()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void should_reject_advanced_settings_that_cannot_work() {
        assertThatThrownBy(
                        () -> new AdvancedConfig(128, 2, 2, Duration.ofMinutes(6), 4096, Duration.ofMinutes(5), false))
                .hasMessage("flush_interval_seconds must be between 1 and 300");
        assertThatThrownBy(
                        () -> new AdvancedConfig(128, 2, 2, Duration.ofSeconds(60), 64, Duration.ofMinutes(5), false))
                .hasMessage("max_in_flight_chunks must be at least batch_size");
        assertThatThrownBy(() -> new AdvancedConfig(0, 2, 2, Duration.ofSeconds(60), 64, Duration.ofMinutes(5), false))
                .isInstanceOf(ConfigException.class);
    }
}
