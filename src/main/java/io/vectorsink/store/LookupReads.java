package io.vectorsink.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Steps shared by stores whose {@link VectorStore#lookup} reads chunks with a filter on record ids through
 * a query that pages by offset within a result window (Milvus's {@code offset + limit <= 16384}, Weaviate's
 * {@code QUERY_MAXIMUM_RESULTS}): splitting the record ids so no read needs to page past the window, and
 * turning the connector fields of a stored chunk into a {@link KnownChunk}.
 */
public final class LookupReads {
    private LookupReads() {}

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

    /** {@code chunks} by record id, leaving out the records in {@code tooLarge}. */
    public static Map<String, List<KnownChunk>> byRecord(List<KnownChunk> chunks, Set<String> tooLarge) {
        Map<String, List<KnownChunk>> byRecord = new LinkedHashMap<>();
        for (KnownChunk chunk : chunks) {
            if (!tooLarge.contains(chunk.recordId())) {
                byRecord.computeIfAbsent(chunk.recordId(), k -> new ArrayList<>())
                        .add(chunk);
            }
        }
        return byRecord;
    }
}
