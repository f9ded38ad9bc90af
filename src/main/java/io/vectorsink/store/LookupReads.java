package io.vectorsink.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Steps shared by stores whose {@link VectorStore#lookup} reads chunks with a filter on record ids through
 * a query that pages by offset within a result window (Milvus's {@code offset + limit <= 16384}, Weaviate's
 * {@code QUERY_MAXIMUM_RESULTS}): splitting the record ids so no read needs to page past the window, and
 * turning the connector fields of a stored chunk into a {@link KnownChunk}.
 */
public final class LookupReads {
    private LookupReads() {}

    /** The connector fields a lookup reads, which {@link #known} turns into a chunk; never vector or text. */
    public static final List<String> FIELDS = List.of(
            ChunkFields.RECORD_ID,
            ChunkFields.CHUNK_INDEX,
            ChunkFields.CHUNK_COUNT,
            ChunkFields.CHUNK_HASH,
            ChunkFields.RECORD_HASH,
            ChunkFields.GENERATION_ID,
            ChunkFields.SYNC_ID);

    /** A vector a store returned as a JSON array of numbers. */
    public static float[] vector(JsonNode values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        return vector;
    }

    /** One page of the chunks of {@code recordIds}, from {@code offset}, at most {@code limit} of them. */
    @FunctionalInterface
    public interface PageReader<T> {
        List<T> read(List<String> recordIds, int offset, int limit);
    }

    /**
     * What {@link #read} found.
     *
     * @param rows every chunk read
     * @param tooLarge records with more chunks than one read can page through: their rows are left out, so
     *     the caller treats them as unknown (embedded again), never as partly stored
     */
    public record Pages<T>(List<T> rows, Set<String> tooLarge) {}

    /**
     * Reads the chunks of {@code recordIds} in groups of at most {@code idsPerRead} records, each group page
     * by page ({@code page} rows) until a page comes back short. A group whose pages would pass
     * {@code window} (the most rows the store pages through) is split in halves and read again, down to
     * single records; a single record that still does not fit is reported in {@link Pages#tooLarge}.
     */
    public static <T> Pages<T> read(
            List<String> recordIds, int idsPerRead, int page, int window, PageReader<T> reader) {
        List<T> rows = new ArrayList<>();
        Set<String> tooLarge = new LinkedHashSet<>();
        for (int from = 0; from < recordIds.size(); from += idsPerRead) {
            readGroup(
                    recordIds.subList(from, Math.min(recordIds.size(), from + idsPerRead)),
                    page,
                    window,
                    reader,
                    rows,
                    tooLarge);
        }
        return new Pages<>(rows, tooLarge);
    }

    private static <T> void readGroup(
            List<String> ids, int page, int window, PageReader<T> reader, List<T> rows, Set<String> tooLarge) {
        List<T> group = new ArrayList<>();
        for (int offset = 0; ; offset += page) {
            if (offset + page > window) {
                if (ids.size() == 1) {
                    tooLarge.add(ids.get(0));
                    return;
                }
                int half = ids.size() / 2;
                readGroup(ids.subList(0, half), page, window, reader, rows, tooLarge);
                readGroup(ids.subList(half, ids.size()), page, window, reader, rows, tooLarge);
                return;
            }
            List<T> read = reader.read(ids, offset, page);
            group.addAll(read);
            if (read.size() < page) {
                rows.addAll(group);
                return;
            }
        }
    }

    /**
     * The chunk whose connector fields {@code field} returns (by {@link ChunkFields} name), or null when it
     * has no record id or chunk index (not written by vectorsink).
     */
    public static KnownChunk known(String id, Function<String, JsonNode> field) {
        JsonNode recordId = field.apply(ChunkFields.RECORD_ID);
        JsonNode index = field.apply(ChunkFields.CHUNK_INDEX);
        if (!recordId.isTextual() || !index.isNumber()) {
            return null;
        }
        JsonNode generation = field.apply(ChunkFields.GENERATION_ID);
        return new KnownChunk(
                id,
                recordId.textValue(),
                index.asInt(),
                field.apply(ChunkFields.CHUNK_COUNT).asInt(0),
                StoreJson.textOrNull(field.apply(ChunkFields.CHUNK_HASH)),
                StoreJson.textOrNull(field.apply(ChunkFields.RECORD_HASH)),
                generation.isNumber() ? generation.asLong() : null,
                StoreJson.textOrNull(field.apply(ChunkFields.SYNC_ID)));
    }

    /**
     * The chunks of the rows {@link #read} found, by record id, leaving out rows that are not vectorsink's and
     * the records in {@link Pages#tooLarge}.
     *
     * @param id the chunk id of a row
     * @param field the value of a connector field (by {@link ChunkFields} name) in a row
     */
    public static Map<String, List<KnownChunk>> byRecord(
            Pages<JsonNode> pages, Function<JsonNode, String> id, BiFunction<JsonNode, String, JsonNode> field) {
        Map<String, List<KnownChunk>> byRecord = new LinkedHashMap<>();
        for (JsonNode row : pages.rows()) {
            KnownChunk chunk = known(id.apply(row), key -> field.apply(row, key));
            if (chunk != null && !pages.tooLarge().contains(chunk.recordId())) {
                byRecord.computeIfAbsent(chunk.recordId(), k -> new ArrayList<>())
                        .add(chunk);
            }
        }
        return byRecord;
    }
}
