package io.vectorsink.testing;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.pipeline.PipelineParts;
import io.vectorsink.pipeline.WritePipeline;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.VectorStore;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;

/**
 * A whole sync of one {@code append_dedup} stream named {@code docs} (key {@code id}, field {@code text},
 * chunks of 254 tokens) through the connector's {@link WritePipeline}, in this JVM.
 */
public final class OneStreamSync {
    private OneStreamSync() {}

    /** Runs {@code input} (Airbyte messages, one per line) to its end; returns what went to stdout. */
    public static String run(Embedder embedder, VectorStore store, AdvancedConfig advanced, byte[] input)
            throws InterruptedException {
        var processing = new ProcessingConfig(
                254, 0, List.of("text"), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
        var parts = new PipelineParts(
                new RecordMapper(processing, MetadataRules.unlimited()),
                new Chunker(processing.textSplitter(), 254, 0, embedder.tokenCounter()),
                embedder,
                false);
        var catalog = ConfiguredCatalog.parse(
                Messages.json(Messages.catalog(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0))));
        StringWriter stdout = new StringWriter();
        var out = new OutputWriter(stdout, Clock.systemUTC(), s -> s);
        new WritePipeline(catalog, parts, store, out, advanced, Clock.systemUTC())
                .run(new MessageReader(new ByteArrayInputStream(input)));
        return stdout.toString();
    }
}
