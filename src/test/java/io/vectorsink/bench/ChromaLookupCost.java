package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one lookup costs Chroma, on a collection the connector wrote, with nothing else running: the same
 * records' chunks read three ways, interleaved, medians. (a) as the connector's lookup asks (stream and
 * namespace equal, record id in the list: every chunk of the stream matches the first two clauses); (b) by
 * the record id alone (it already names the stream and namespace); (c) by the chunk ids, Chroma's primary key.
 */
final class ChromaLookupCost {
    private ChromaLookupCost() {}

    static String measure(String chromaUrl, String collection, String stream, int records, int reps) {
        BenchSupport.Chroma chroma = new BenchSupport.Chroma(chromaUrl);
        String id = chroma.create(collection);
        ObjectNode first = Json.MAPPER.createObjectNode();
        first.put("limit", records * 4);
        first.putArray("include").add("metadatas");
        Set<String> recordIds = new LinkedHashSet<>();
        for (JsonNode metadata : chroma.post(id, "get", first).path("metadatas")) {
            if (recordIds.size() < records) {
                recordIds.add(metadata.path("_ab_record_id").asText());
            }
        }
        ObjectNode byRecord = Json.MAPPER.createObjectNode();
        ArrayNode in = byRecord.putObject("_ab_record_id").putArray("$in");
        recordIds.forEach(in::add);
        ObjectNode byStream = Json.MAPPER.createObjectNode();
        ArrayNode and = byStream.putArray("$and");
        and.addObject().put("_ab_stream", stream);
        and.addObject().put("_ab_namespace", "");
        and.add(byRecord);
        List<String> chunkIds = new ArrayList<>();
        chroma.post(id, "get", get(byRecord, null)).path("ids").forEach(chunk -> chunkIds.add(chunk.asText()));

        Map<String, ObjectNode> variants = new LinkedHashMap<>();
        variants.put("stream and namespace and record id $in (the connector's lookup)", get(byStream, null));
        variants.put("record id $in alone", get(byRecord, null));
        variants.put("chunk ids", get(null, chunkIds));
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (int rep = 0; rep < reps; rep++) {
            for (Map.Entry<String, ObjectNode> variant : variants.entrySet()) {
                long start = System.nanoTime();
                JsonNode answer = chroma.post(id, "get", variant.getValue());
                millis.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
                rows.put(variant.getKey(), answer.path("ids").size());
            }
        }
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "one lookup of %d records (%d chunks) in a collection of %d chunks, median of %d, load average %s:",
                recordIds.size(),
                chunkIds.size(),
                chroma.count(id),
                reps,
                BenchSupport.loadAverage()));
        millis.forEach((name, values) -> report.append(String.format(
                Locale.ROOT, "%n- %s: %.1f ms, %d rows", name, BenchSupport.median(values), rows.get(name))));
        return report.toString();
    }

    private static ObjectNode get(ObjectNode where, List<String> ids) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (where != null) {
            body.set("where", where);
        }
        if (ids != null) {
            ArrayNode array = body.putArray("ids");
            ids.forEach(array::add);
        }
        body.putArray("include").add("metadatas");
        return body;
    }
}
