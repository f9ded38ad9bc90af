package io.vectorsink.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the requests a connector makes to Chroma, by kind, as a {@link FaultProxy} observer: requests,
 * the points (ids) they name, and the time Chroma took to answer them (summed, so requests that overlap
 * count in full). A lookup is a {@code get} that selects by {@code where} on the record id; a vector read a
 * {@code get} that includes embeddings; an own-field update an {@code update}.
 */
final class ChromaRequests implements Consumer<FaultProxy.Exchange> {
    enum Kind {
        UPSERT,
        UPDATE,
        LOOKUP,
        VECTOR_READ,
        GET_BY_IDS,
        DELETE,
        OTHER
    }

    /** What one kind of request added up to. */
    record Tally(long requests, long points, double seconds) {}

    private final Map<Kind, AtomicLong[]> counts = new EnumMap<>(Kind.class);

    ChromaRequests() {
        for (Kind kind : Kind.values()) {
            counts.put(kind, new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
        }
    }

    @Override
    public void accept(FaultProxy.Exchange exchange) {
        String path = exchange.target().replaceFirst("\\?.*", "");
        Kind kind = kind(exchange.method(), path, exchange.body());
        AtomicLong[] tally = counts.get(kind);
        tally[0].incrementAndGet();
        tally[1].addAndGet(kind == Kind.OTHER || kind == Kind.LOOKUP ? 0 : ids(exchange.body()));
        tally[2].addAndGet(exchange.nanos());
    }

    Tally tally(Kind kind) {
        AtomicLong[] tally = counts.get(kind);
        return new Tally(tally[0].get(), tally[1].get(), tally[2].get() / 1e9);
    }

    private static Kind kind(String method, String path, byte[] body) {
        if (!method.equals("POST")) {
            return Kind.OTHER;
        }
        if (path.endsWith("/upsert") || path.endsWith("/add")) {
            return Kind.UPSERT;
        }
        if (path.endsWith("/update")) {
            return Kind.UPDATE;
        }
        if (path.endsWith("/delete")) {
            return Kind.DELETE;
        }
        if (path.endsWith("/get")) {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("\"embeddings\"")) {
                return Kind.VECTOR_READ;
            }
            return text.contains("\"where\"") && text.contains("_ab_record_id") ? Kind.LOOKUP : Kind.GET_BY_IDS;
        }
        return Kind.OTHER;
    }

    /** The length of the body's top-level {@code ids} array, read without building the (large) body. */
    private static long ids(byte[] body) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("ids") && value == JsonToken.START_ARRAY) {
                    long count = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        count++;
                        parser.skipChildren();
                    }
                    return count;
                }
                parser.skipChildren();
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON body", e);
        }
    }
}
