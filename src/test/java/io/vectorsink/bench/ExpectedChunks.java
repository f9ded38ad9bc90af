package io.vectorsink.bench;

import io.vectorsink.bench.Documents.Doc;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.remote.Cl100kTokenCounter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sync has to send to the model, computed from the documents with the connector's chunker alone (the
 * same splitter, chunk size and cl100k_base counter as an OpenAI-compatible config), not from the pipeline:
 * the text of a record is its text field as {@code text: value} (docs/behaviour.md, "From record to chunks").
 */
final class ExpectedChunks {
    private final Chunker chunker;
    private final TokenCounter counter = Cl100kTokenCounter.instance();
    private final Map<Doc, List<String>> cache = new HashMap<>();

    ExpectedChunks(int chunkSize) {
        this.chunker = new Chunker(TextSplitterConfig.Separator.defaults(), chunkSize, 0, counter);
    }

    List<String> chunks(Doc doc) {
        return cache.computeIfAbsent(doc, d -> chunker.split(Documents.TEXT_FIELD + ": " + d.text()));
    }

    /** Every chunk of every document. */
    List<String> all(List<Doc> docs) {
        List<String> all = new ArrayList<>();
        docs.forEach(doc -> all.addAll(chunks(doc)));
        return all;
    }

    /**
     * The chunks of {@code after} whose text the same record's chunks in {@code before} do not have: what a
     * sync of {@code after} into an index of {@code before} must embed, wherever in the record they are.
     */
    List<String> changed(List<Doc> before, List<Doc> after) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            Set<String> stored = new HashSet<>(chunks(before.get(i)));
            for (String chunk : chunks(after.get(i))) {
                if (!stored.contains(chunk)) {
                    changed.add(chunk);
                }
            }
        }
        return changed;
    }

    /** The chunks of the documents at {@code indexes}. */
    List<String> of(List<Doc> docs, Collection<Integer> indexes) {
        List<String> chunks = new ArrayList<>();
        indexes.forEach(i -> chunks.addAll(chunks(docs.get(i))));
        return chunks;
    }

    /** Their cl100k_base tokens, counted one text at a time as the provider counts them. */
    long tokens(Collection<String> texts) {
        long tokens = 0;
        for (String text : texts) {
            tokens += counter.count(text);
        }
        return tokens;
    }
}
