package io.vectorsink.store;

import io.vectorsink.error.SystemException;
import io.vectorsink.store.VectorStore.RecordTrim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The store-independent part of {@link VectorStore#deleteChunks}: trims merged per record and grouped by
 * start index, so a store sends one "record in (...) and chunk index &gt;= from" delete per group slice
 * instead of one per record.
 */
public final class RecordTrims {
    private RecordTrims() {}

    /**
     * Records that share a start index, at most the requested number of them.
     *
     * @param fromChunkIndex the first chunk index to delete (&gt;= 0)
     * @param recordIds the records trimmed from that index, never empty
     */
    public record Group(int fromChunkIndex, List<String> recordIds) {
        public Group {
            if (fromChunkIndex < 0) {
                throw new SystemException("a group's fromChunkIndex must be >= 0, got " + fromChunkIndex);
            }
            recordIds = List.copyOf(recordIds);
            if (recordIds.isEmpty()) {
                throw new SystemException("a trim group must name at least one record");
            }
        }
    }

    /**
     * The start index per record, in first-seen order. A record listed twice is trimmed from the lower
     * index, since that removes everything either trim asked for.
     *
     * @throws SystemException when a trim's start index is negative (a caller bug)
     */
    public static Map<String, Integer> fromByRecord(List<RecordTrim> trims) {
        Objects.requireNonNull(trims, "trims");
        Map<String, Integer> fromByRecord = new LinkedHashMap<>();
        for (RecordTrim trim : trims) {
            if (trim.fromChunkIndex() < 0) {
                throw new SystemException("a trim's fromChunkIndex must be >= 0, got " + trim.fromChunkIndex());
            }
            fromByRecord.merge(trim.recordId(), trim.fromChunkIndex(), Math::min);
        }
        return fromByRecord;
    }

    /** The records per start index (ascending), each list in the order of {@code fromByRecord}. */
    public static SortedMap<Integer, List<String>> recordsByFrom(Map<String, Integer> fromByRecord) {
        TreeMap<Integer, List<String>> recordsByFrom = new TreeMap<>();
        fromByRecord.forEach((record, from) ->
                recordsByFrom.computeIfAbsent(from, k -> new ArrayList<>()).add(record));
        return recordsByFrom;
    }

    /**
     * The groups of {@code fromByRecord}: ascending start index, each start index's records sliced into
     * runs of at most {@code maxIdsPerRequest}.
     */
    public static List<Group> groups(Map<String, Integer> fromByRecord, int maxIdsPerRequest) {
        if (maxIdsPerRequest < 1) {
            throw new SystemException("maxIdsPerRequest must be >= 1, got " + maxIdsPerRequest);
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> group :
                recordsByFrom(fromByRecord).entrySet()) {
            List<String> records = group.getValue();
            for (int start = 0; start < records.size(); start += maxIdsPerRequest) {
                List<String> slice = records.subList(start, Math.min(records.size(), start + maxIdsPerRequest));
                groups.add(new Group(group.getKey(), slice));
            }
        }
        return groups;
    }

    /** {@link #groups(Map, int)} of the merged {@code trims}; validates every trim first. */
    public static List<Group> groups(List<RecordTrim> trims, int maxIdsPerRequest) {
        return groups(fromByRecord(trims), maxIdsPerRequest);
    }
}
