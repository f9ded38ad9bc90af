package io.vectorsink.store.chroma;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.StoreJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Request bodies for Chroma, streamed with Jackson, and the values read back from its answers. */
final class ChromaJson {
    private ChromaJson() {}

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator gen) throws IOException;
    }

    static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            writer.write(gen);
        } catch (IOException e) {
            throw new SystemException("could not write a Chroma request body", e);
        }
        return out.toByteArray();
    }

    static byte[] write(JsonNode node) {
        return write(gen -> gen.writeTree(node));
    }

    /** The keys and document an id already holds, so an upsert can clear what the new version lacks. */
    record Existing(List<String> metadataKeys, boolean hasDocument) {}

    /**
     * The {@code /upsert} body. Keys that {@code existing} holds but the new point lacks are sent as
     * null (Chroma merges metadata on upsert, and null removes a key); a null document over an existing
     * one is sent as the empty string (Chroma keeps the old document when sent null).
     */
    static byte[] upsertBody(List<ChunkPoint> batch, Map<String, Existing> existing) {
        return write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("ids");
            for (ChunkPoint point : batch) {
                gen.writeString(point.id());
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("embeddings");
            for (ChunkPoint point : batch) {
                writeVector(gen, point.vector(), "chunk " + point.id());
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("documents");
            for (ChunkPoint point : batch) {
                Existing old = existing.get(point.id());
                if (point.document() != null) {
                    gen.writeString(point.document());
                } else if (old != null && old.hasDocument()) {
                    gen.writeString("");
                } else {
                    gen.writeNull();
                }
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("metadatas");
            for (ChunkPoint point : batch) {
                writeMetadata(gen, point, existing.get(point.id()));
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    private static void writeMetadata(JsonGenerator gen, ChunkPoint point, Existing old) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            gen.writeFieldName(entry.getKey());
            writeScalar(gen, entry.getKey(), entry.getValue());
        }
        if (old != null) {
            for (String key : old.metadataKeys()) {
                if (!point.metadata().containsKey(key)) {
                    gen.writeNullField(key);
                }
            }
        }
        gen.writeEndObject();
    }

    /** A vector as a JSON array of numbers; {@code what} names it (an id, never content) in errors. */
    static void writeVector(JsonGenerator gen, float[] vector, String what) throws IOException {
        gen.writeStartArray();
        for (float value : vector) {
            if (!Float.isFinite(value)) {
                throw new SystemException("the vector of " + what + " holds a value that is not a finite number");
            }
            gen.writeNumber(value);
        }
        gen.writeEndArray();
    }

    /** A metadata value: Chroma holds strings, integers, floats and booleans (and null means "absent"). */
    static void writeScalar(JsonGenerator gen, String key, Object value) throws IOException {
        StoreJson.writeScalar(gen, key, value, "Chroma holds only strings, integers, floats and booleans");
    }

    /** The {@code /update} body that sets {@code fields} on every id and sends nothing else. */
    static byte[] updateMetadataBody(List<String> ids, Map<String, Object> fields) {
        return write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("ids");
            for (String id : ids) {
                gen.writeString(id);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("metadatas");
            for (int i = 0; i < ids.size(); i++) {
                gen.writeStartObject();
                for (Map.Entry<String, Object> field : fields.entrySet()) {
                    gen.writeFieldName(field.getKey());
                    writeScalar(gen, field.getKey(), field.getValue());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    /**
     * A stored chunk's connector fields from its metadata in a {@code get} answer, or null when it lacks
     * the record id or chunk position (not a chunk this connector wrote).
     */
    static KnownChunk knownChunk(String id, JsonNode metadata) {
        JsonNode recordId = metadata.path(ChunkFields.RECORD_ID);
        JsonNode index = metadata.path(ChunkFields.CHUNK_INDEX);
        if (!recordId.isTextual() || !index.canConvertToInt()) {
            return null;
        }
        JsonNode generation = metadata.path(ChunkFields.GENERATION_ID);
        return new KnownChunk(
                id,
                recordId.asText(),
                index.asInt(),
                metadata.path(ChunkFields.CHUNK_COUNT).asInt(-1),
                StoreJson.textOrNull(metadata.path(ChunkFields.CHUNK_HASH)),
                StoreJson.textOrNull(metadata.path(ChunkFields.RECORD_HASH)),
                generation.isIntegralNumber() ? generation.asLong() : null,
                StoreJson.textOrNull(metadata.path(ChunkFields.SYNC_ID)));
    }

    /** A vector from a {@code get} answer, or null when it holds none or anything but finite numbers. */
    static float[] vector(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return null;
        }
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode value = array.get(i);
            if (!value.isNumber() || !Float.isFinite(value.floatValue())) {
                return null;
            }
            vector[i] = value.floatValue();
        }
        return vector;
    }

    /** A generous estimate of a point's share of an upsert body, in bytes. */
    static long estimateBytes(ChunkPoint point) {
        // A float prints as at most ~15 characters plus a comma.
        long bytes = 64 + point.id().length() + 16L * point.vector().length;
        if (point.document() != null) {
            bytes += utf8Length(point.document());
        }
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            bytes += 8 + utf8Length(entry.getKey());
            bytes += entry.getValue() instanceof String s ? utf8Length(s) : 24;
        }
        return bytes;
    }

    /** UTF-8 length of {@code text} as JSON writes it (control characters escaped as six bytes). */
    static long utf8Length(String text) {
        long length = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                length += 6;
            } else if (c < 0x80) {
                length += c == '"' || c == '\\' ? 2 : 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
