package io.vectorsink.process;

import static io.vectorsink.testing.Messages.status;
import static io.vectorsink.testing.Messages.streamState;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.testing.ChromaInspector.Point;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A seeded input for one stream, and the exact chunks it must leave in the store, computed here from the
 * input alone: no connector class takes part in the expectation.
 *
 * <p>Records carry {@code {"id": key, "seq": n, "text": words}}; every word is unique to its record
 * ({@code k<key>s<seq>w<i>}, or {@code g<generation>s<seq>w<i>} without a key), so a stored document
 * tells which version wrote it. With the fake embedder
 * (one token per whitespace-separated word), {@code chunk_size} 10 and no overlap, the text {@code
 * "text: w0 w1 ..."} splits into runs of 10 tokens, the first starting with {@code "text:"}. STREAM states
 * carry a unique cursor ({@code {"cursor": c}}, 1, 2, ...), so an echoed state tells where in the input
 * it was, and a retry can start right after it, as Airbyte does. The input ends with a COMPLETE status.
 */
final class Workload {
    static final long EMITTED_AT_BASE = 1_700_000_000_000L;
    static final int CHUNK_WORDS = 10;

    /** vectorsink's id namespace (store/PointIds): chunk ids are a persisted contract, so restated here. */
    private static final UUID ID_NAMESPACE = UUID.fromString("9b1f5a4e-3c1d-4f7e-8a2b-6d0c5e4f3a21");

    enum Kind {
        RECORD,
        DELETE,
        STATE,
        STATUS
    }

    /** One input line. {@code key} is -1 for unkeyed records, {@code cursor} is 0 except for states. */
    record Line(Kind kind, String json, int key, int seq, int words, int cursor) {
        boolean isRecord() {
            return kind == Kind.RECORD || kind == Kind.DELETE;
        }
    }

    /** One expected (or stored) chunk, with the fields that tell a stale or misplaced chunk apart. */
    record Chunk(
            String id, String recordId, String document, long index, long count, long generation, long extractedAt) {
        static Chunk of(Point point) {
            return new Chunk(
                    point.id(),
                    point.text("_ab_record_id"),
                    point.document(),
                    point.number("_ab_chunk_index"),
                    point.number("_ab_chunk_count"),
                    point.number("_ab_generation_id"),
                    point.number("_ab_extracted_at"));
        }

        static Chunk of(StoredChunk stored) {
            return new Chunk(
                    stored.id(),
                    (String) stored.metadata().get("_ab_record_id"),
                    stored.document(),
                    number(stored, "_ab_chunk_index"),
                    number(stored, "_ab_chunk_count"),
                    number(stored, "_ab_generation_id"),
                    number(stored, "_ab_extracted_at"));
        }

        private static long number(StoredChunk stored, String key) {
            Object value = stored.metadata().get(key);
            if (!(value instanceof Number number)) {
                throw new AssertionError("chunk " + stored.id() + " has no number " + key + ": " + stored.metadata());
            }
            return number.longValue();
        }
    }

    private final String stream;
    private final boolean keyed;
    private final long generation;
    private final List<Line> lines;
    private final int chunkWords;
    private final Map<Integer, Integer> statePositions = new HashMap<>();

    private Workload(String stream, boolean keyed, long generation, List<Line> lines, int chunkWords) {
        this.stream = stream;
        this.keyed = keyed;
        this.generation = generation;
        this.lines = List.copyOf(lines);
        this.chunkWords = chunkWords;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).kind() == Kind.STATE) {
                statePositions.put(lines.get(i).cursor(), i);
            }
        }
    }

    /**
     * A keyed input: {@code records} records over keys {@code firstKey .. firstKey + keys - 1} (so most
     * keys get several versions), 1 to 45 words each (1 to 5 chunks, so chunk counts change between
     * versions), a share {@code deleteRate} of them CDC deletes, a STATE after every 0 to 14 records
     * (some states have no records before them).
     */
    static Workload keyed(
            long seed, String stream, long generation, int records, int firstKey, int keys, double deleteRate) {
        Random random = new Random(seed);
        List<Line> lines = new ArrayList<>();
        int cursor = 0;
        int gap = random.nextInt(15);
        for (int seq = 0; seq < records; seq++) {
            int key = firstKey + random.nextInt(keys);
            if (random.nextDouble() < deleteRate) {
                ObjectNode data = JsonNodeFactory.instance.objectNode().put("id", key);
                data.put("seq", seq).put("_ab_cdc_deleted_at", "2024-01-01T00:00:00Z");
                lines.add(new Line(Kind.DELETE, record(stream, data, seq), key, seq, 0, 0));
            } else {
                int words = 1 + random.nextInt(45);
                ObjectNode data = JsonNodeFactory.instance.objectNode().put("id", key);
                data.put("seq", seq).put("text", words("k" + key, seq, words));
                lines.add(new Line(Kind.RECORD, record(stream, data, seq), key, seq, words, 0));
            }
            if (--gap < 0 || seq == records - 1) {
                do {
                    cursor++;
                    lines.add(state(stream, cursor));
                } while (random.nextInt(20) == 0); // now and then a state with no record before it
                gap = random.nextInt(15);
            }
        }
        lines.add(new Line(Kind.STATUS, status(stream, "COMPLETE"), -1, -1, 0, 0));
        return new Workload(stream, true, generation, lines, CHUNK_WORDS);
    }

    /**
     * An unkeyed input of {@code records} records, 1 to 45 words each, states as in {@link #keyed}. Words
     * start with {@code g<generation>}, so the records of two generations never share a document.
     */
    static Workload unkeyed(long seed, String stream, long generation, int records) {
        Random random = new Random(seed);
        List<Line> lines = new ArrayList<>();
        int cursor = 0;
        int gap = random.nextInt(15);
        for (int seq = 0; seq < records; seq++) {
            int words = 1 + random.nextInt(45);
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("seq", seq);
            data.put("text", words("g" + generation, seq, words));
            lines.add(new Line(Kind.RECORD, record(stream, data, seq), -1, seq, words, 0));
            if (--gap < 0 || seq == records - 1) {
                cursor++;
                lines.add(state(stream, cursor));
                gap = random.nextInt(15);
            }
        }
        lines.add(new Line(Kind.STATUS, status(stream, "COMPLETE"), -1, -1, 0, 0));
        return new Workload(stream, false, generation, lines, CHUNK_WORDS);
    }

    /**
     * The same input, expected as one chunk per record: the whole {@code "text: w0 w1 ..."} document.
     * This is what any token counter produces when {@code chunk_size} exceeds the longest record's
     * tokens, so it holds for a provider that counts tokens differently from the fake embedder (cl100k
     * for {@code openai_compatible}); a test using it must still check {@code _ab_chunk_count} is 1.
     */
    Workload wholeRecords() {
        return new Workload(stream, keyed, generation, lines, Integer.MAX_VALUE);
    }

    List<Line> lines() {
        return lines;
    }

    int size() {
        return lines.size();
    }

    String text(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (Line line : lines.subList(from, to)) {
            text.append(line.json());
        }
        return text.toString();
    }

    /** The position right after the state with {@code cursor}; 0 for cursor 0 (no state yet). */
    int positionAfterState(int cursor) {
        if (cursor == 0) {
            return 0;
        }
        Integer position = statePositions.get(cursor);
        if (position == null) {
            throw new AssertionError("the input has no state with cursor " + cursor);
        }
        return position + 1;
    }

    int lastCursor() {
        return statePositions.keySet().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }

    /** Records between the state before {@code cursor} and it: its expected destinationStats.recordCount. */
    int recordsBeforeState(int cursor) {
        int count = 0;
        for (int i = statePositions.get(cursor) - 1; i >= 0 && lines.get(i).kind() != Kind.STATE; i--) {
            count++;
        }
        return count;
    }

    /** The position of the last line that is not the final status (killed attempts never send it). */
    int endBeforeStatus() {
        return lines.size() - 1;
    }

    /** Keys with a record or delete in {@code [from, to)}. */
    Set<Integer> keysIn(int from, int to) {
        Set<Integer> keys = new HashSet<>();
        for (Line line : lines.subList(from, to)) {
            if (line.isRecord()) {
                keys.add(line.key());
            }
        }
        return keys;
    }

    /** Whether every line for {@code key} in {@code [from, to)} is a record, not a delete. */
    boolean noDeleteOf(int key, int from, int to) {
        return lines.subList(from, to).stream().noneMatch(l -> l.kind() == Kind.DELETE && l.key() == key);
    }

    /** The last record or delete of each key before {@code position}. */
    Map<Integer, Line> lastVersions(int position) {
        Map<Integer, Line> last = new LinkedHashMap<>();
        for (Line line : lines.subList(0, position)) {
            if (line.isRecord()) {
                last.put(line.key(), line);
            }
        }
        return last;
    }

    /**
     * The chunks the store must hold for the input before {@code position}: each live key's last version,
     * or every record when the stream has no key.
     */
    Set<Chunk> expectedAt(int position) {
        if (!keyed) {
            return expectedFor(
                    lines.subList(0, position).stream().filter(Line::isRecord).toList());
        }
        return expectedFor(lastVersions(position).values());
    }

    /** The chunks of {@code versions}, skipping deletes. */
    Set<Chunk> expectedFor(java.util.Collection<Line> versions) {
        Set<Chunk> chunks = new HashSet<>();
        for (Line line : versions) {
            if (line.kind() == Kind.RECORD) {
                chunks.addAll(chunksOf(line));
            }
        }
        return chunks;
    }

    /** The chunks of one record, as the connector must store them. */
    List<Chunk> chunksOf(Line record) {
        List<String> documents = documents(record);
        String recordId = keyed ? "[null,\"" + stream + "\"," + record.key() + "]" : null;
        List<Chunk> chunks = new ArrayList<>();
        for (int index = 0; index < documents.size(); index++) {
            chunks.add(new Chunk(
                    keyed ? chunkId(recordId, index) : null,
                    recordId,
                    documents.get(index),
                    index,
                    documents.size(),
                    generation,
                    EMITTED_AT_BASE + record.seq()));
        }
        return chunks;
    }

    /**
     * The documents of a record's chunks: runs of {@value #CHUNK_WORDS} tokens of {@code "text: w0 w1
     * ..."} (the whole text for {@link #wholeRecords()}).
     */
    List<String> documents(Line record) {
        String prefix = keyed ? "k" + record.key() : "g" + generation;
        List<String> tokens = new ArrayList<>();
        tokens.add("text:");
        tokens.addAll(List.of(words(prefix, record.seq(), record.words()).split(" ")));
        List<String> documents = new ArrayList<>();
        for (int from = 0; from < tokens.size(); from += Math.min(chunkWords, tokens.size())) {
            documents.add(String.join(" ", tokens.subList(from, Math.min(tokens.size(), from + chunkWords))));
        }
        return documents;
    }

    /** The {@code _ab_record_id} of {@code key} in this stream. */
    String recordId(int key) {
        return "[null,\"" + stream + "\"," + key + "]";
    }

    /**
     * A readable difference between the expected and the stored chunks (at most a few lines of each kind),
     * or an empty string when they are equal.
     */
    static String difference(Set<Chunk> expected, List<Chunk> stored) {
        Set<Chunk> storedSet = new HashSet<>(stored);
        StringBuilder out = new StringBuilder();
        if (storedSet.size() != stored.size()) {
            out.append("duplicates: ").append(stored.size() - storedSet.size()).append('\n');
        }
        Set<Chunk> missing = new HashSet<>(expected);
        missing.removeAll(storedSet);
        Set<Chunk> extra = new HashSet<>(storedSet);
        extra.removeAll(expected);
        if (!missing.isEmpty()) {
            out.append("missing ")
                    .append(missing.size())
                    .append(": ")
                    .append(sample(missing))
                    .append('\n');
        }
        if (!extra.isEmpty()) {
            out.append("stale or extra ")
                    .append(extra.size())
                    .append(": ")
                    .append(sample(extra))
                    .append('\n');
        }
        return out.toString();
    }

    private static String sample(Set<Chunk> chunks) {
        return chunks.stream()
                .map(c -> c.recordId() + "#" + c.index() + "/" + c.count() + " g" + c.generation() + " '"
                        + c.document().substring(0, Math.min(24, c.document().length())) + "'")
                .collect(Collectors.toCollection(TreeSet::new))
                .stream()
                .limit(5)
                .collect(Collectors.joining("; "));
    }

    private static String words(String prefix, int seq, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(prefix).append('s').append(seq).append('w').append(i);
        }
        return text.toString();
    }

    private static String record(String stream, ObjectNode data, int seq) {
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("type", "RECORD");
        message.putObject("record")
                .put("stream", stream)
                .put("emitted_at", EMITTED_AT_BASE + seq)
                .set("data", data);
        return message + "\n";
    }

    private static Line state(String stream, int cursor) {
        return new Line(Kind.STATE, streamState(stream, "{\"cursor\":" + cursor + "}"), -1, -1, 0, cursor);
    }

    /** The name-based (version 5) UUID of {@code recordId + NUL + index} in vectorsink's namespace. */
    static String chunkId(String recordId, int index) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(uuidBytes(ID_NAMESPACE));
            byte[] hash = sha1.digest((recordId + "\u0000" + index).getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (hash[i] & 0xff);
                lsb = (lsb << 8) | (hash[8 + i] & 0xff);
            }
            return new UUID(msb, lsb).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] uuidBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return bytes;
    }
}
