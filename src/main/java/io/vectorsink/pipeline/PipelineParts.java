package io.vectorsink.pipeline;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.ReuseConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.mapping.RecordMapper;

/**
 * The per-record processing the write pipeline applies, built once from the config.
 *
 * @param vectorField the top-level field that carries each record's vector ({@code from_field}), or null when
 *     the embedder computes vectors
 * @param reuse whether stored vectors are reused for unchanged text, and the fingerprint's salt
 */
public record PipelineParts(
        RecordMapper mapper,
        Chunker chunker,
        Embedder embedder,
        boolean omitRawText,
        String vectorField,
        ReuseConfig reuse) {
    public PipelineParts(
            RecordMapper mapper, Chunker chunker, Embedder embedder, boolean omitRawText, String vectorField) {
        this(mapper, chunker, embedder, omitRawText, vectorField, ReuseConfig.defaults());
    }

    public PipelineParts(RecordMapper mapper, Chunker chunker, Embedder embedder, boolean omitRawText) {
        this(mapper, chunker, embedder, omitRawText, null);
    }
}
