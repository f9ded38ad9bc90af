package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.bench.Documents.Doc;
import io.vectorsink.embedding.fake.FakeEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a collection back and checks it chunk by chunk against the documents: one point per expected chunk,
 * each with its record's chunk text at its index, the record's category, the expected generation, and the
 * vector the provider gives that text (the simulated provider's vectors are {@link FakeEmbedder}'s). A
 * reused vector that belongs to another text, a stale category or a missing or extra chunk shows here.
 */
final class IndexCheck {
    private IndexCheck() {}

    static String verify(
            String chromaUrl,
            String collection,
            List<Doc> docs,
            ExpectedChunks expected,
            int dimensions,
            long generation) {
        BenchSupport.Chroma chroma = new BenchSupport.Chroma(chromaUrl);
        List<ObjectNode> points = chroma.readAll(chroma.create(collection));
        FakeEmbedder embedder = new FakeEmbedder(dimensions);
        long chunks = expected.all(docs).size();
        List<String> problems = new ArrayList<>();
        if (points.size() != chunks) {
            problems.add(points.size() + " points for " + chunks + " chunks");
        }
        for (ObjectNode point : points) {
            JsonNode metadata = point.path("metadata");
            int id = metadata.path("id").asInt(-1);
            if (id < 0 || id >= docs.size()) {
                problems.add(point.path("id").asText() + ": no record id");
                continue;
            }
            Doc doc = docs.get(id);
            List<String> texts = expected.chunks(doc);
            int index = metadata.path("_ab_chunk_index").asInt(-1);
            String text = point.path("document").asText();
            if (index < 0 || index >= texts.size() || !texts.get(index).equals(text)) {
                problems.add("record " + id + " chunk " + index + ": another text");
            }
            if (!doc.category().equals(metadata.path("category").asText())) {
                problems.add("record " + id + " chunk " + index + ": category " + metadata.path("category"));
            }
            if (metadata.path("_ab_generation_id").asLong(-1) != generation) {
                problems.add("record " + id + " chunk " + index + ": generation " + metadata.path("_ab_generation_id"));
            }
            float[] vector = embedder.embed(List.of(text)).get(0);
            JsonNode stored = point.path("embedding");
            boolean same = stored.size() == vector.length;
            for (int i = 0; same && i < vector.length; i++) {
                same = Math.abs(stored.get(i).floatValue() - vector[i]) < 1e-6;
            }
            if (!same) {
                problems.add("record " + id + " chunk " + index + ": a vector of another text");
            }
        }
        if (problems.isEmpty()) {
            return "exact: " + points.size() + " chunks, each with its text, category, generation " + generation
                    + " and the vector of its text";
        }
        return problems.size() + " problems, first: " + problems.subList(0, Math.min(5, problems.size()));
    }
}
