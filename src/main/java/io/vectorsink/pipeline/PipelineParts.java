package io.vectorsink.pipeline;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.mapping.RecordMapper;

/** The per-record processing the write pipeline applies, built once from the config. */
public record PipelineParts(RecordMapper mapper, Chunker chunker, Embedder embedder, boolean omitRawText) {}
