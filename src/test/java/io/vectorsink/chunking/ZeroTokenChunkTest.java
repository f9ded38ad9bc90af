package io.vectorsink.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import org.junit.jupiter.api.Test;

class ZeroTokenChunkTest {
    @Test
    void should_drop_chunks_the_local_model_sees_nothing_of() {
        try (LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q)) {
            Chunker chunker = new Chunker(TextSplitterConfig.Separator.defaults(), 10, 0, embedder.tokenCounter());
            // NBSP / zero-width space: not Java whitespace, but the BERT normalizer drops them.
            for (String tail : new String[] {"\u00a0\u00a0", "\u200b\u200b"}) {
                var chunks = chunker.split("body: one two three four five six seven eight nine ten\n\n" + tail);
                assertThat(chunks)
                        .allSatisfy(c ->
                                assertThat(embedder.tokenCounter().count(c)).isPositive());
                embedder.embed(chunks);
            }
        }
    }
}
