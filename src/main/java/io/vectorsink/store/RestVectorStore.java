package io.vectorsink.store;

import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.RestEndpoint.Answer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every store over a REST API does the same, written once: the argument checks, the "prepared
 * first" rule, empty calls that send nothing, and one point per id in an upsert. A store implements the
 * {@code do*} steps with its {@link RestEndpoint}; each step is called only with valid arguments.
 */
public abstract class RestVectorStore implements VectorStore {
    protected final RestEndpoint endpoint;

    private volatile IndexModel indexModel = IndexModel.none();

    protected RestVectorStore(RestEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * The embedding model this store writes, recorded in an index it creates and compared with the one an
     * existing index records (see {@link IndexModel}); set once, before {@link #check} or {@link #prepare}.
     * Without it ({@link StoreFactory} sets it for check and write) nothing is recorded or compared.
     */
    public final void useIndexModel(IndexModel model) {
        this.indexModel = Objects.requireNonNull(model, "model");
    }

    /** The model rule set by {@link #useIndexModel}, or {@link IndexModel#none()}. */
    protected final IndexModel indexModel() {
        return indexModel;
    }

    /** What the model rule noted about the index; a store with notes of its own adds them. */
    @Override
    public List<String> checkNotes() {
        return indexModel.notes();
    }

    @Override
    public final void check(int dimension) {
        requirePositive(dimension);
        doCheck(dimension);
    }

    @Override
    public final void prepare(int dimension) {
        requirePositive(dimension);
        doPrepare(dimension);
    }

    @Override
    public final void upsert(List<ChunkPoint> points) {
        if (points.isEmpty()) {
            return;
        }
        requirePrepared();
        doUpsert(lastById(points));
    }

    @Override
    public final void deleteChunks(List<RecordTrim> trims) {
        if (trims.isEmpty()) {
            return; // never send an empty filter
        }
        requirePrepared();
        doDeleteChunks(trims);
    }

    @Override
    public final void deleteStale(StreamId stream, StaleFilter filter) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(filter, "filter");
        requirePrepared();
        doDeleteStale(stream, filter);
    }

    @Override
    public final List<QueryHit> query(float[] vector, int limit, StreamId stream) {
        if (limit < 1) {
            throw new SystemException("query limit must be >= 1, got " + limit);
        }
        return doQuery(vector, limit, stream);
    }

    /** {@link #check} with a dimension of at least 1: reads, never creates. */
    protected abstract void doCheck(int dimension);

    /** {@link #prepare} with a dimension of at least 1; ends with {@link RestEndpoint#markPrepared}. */
    protected abstract void doPrepare(int dimension);

    /** {@link #upsert} of a prepared store: at least one point, one per id, in order. */
    protected abstract void doUpsert(Collection<ChunkPoint> points);

    /** {@link #deleteChunks} of a prepared store: at least one trim. */
    protected abstract void doDeleteChunks(List<RecordTrim> trims);

    /** {@link #deleteStale} of a prepared store. */
    protected abstract void doDeleteStale(StreamId stream, StaleFilter filter);

    /** {@link #query} with a limit of at least 1; the store need not be prepared. */
    protected abstract List<QueryHit> doQuery(float[] vector, int limit, StreamId stream);

    /** Whether {@link #prepare} has run; a store whose readiness has more parts asks them. */
    protected boolean isPrepared() {
        return endpoint.prepared();
    }

    protected final void requirePrepared() {
        if (!isPrepared()) {
            throw new SystemException("the " + endpoint.vendor() + " store must be prepared before it is used");
        }
    }

    /**
     * One point per id, the last one sent winning: two points with one id in a request would leave "which
     * one won" to the server. Each point keeps the position of its last occurrence.
     */
    static Collection<ChunkPoint> lastById(List<ChunkPoint> points) {
        Map<String, ChunkPoint> unique = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            unique.remove(point.id());
            unique.put(point.id(), point);
        }
        return unique.values();
    }

    /**
     * Whether {@code answer} refused {@code batch} as too large (HTTP 413) for the server or a proxy in
     * front of it and {@code batch} could be halved: then both halves went to {@code send}, which halves
     * again until each part fits. False for any other answer, and for a single item, which the caller
     * reports.
     */
    protected static <T> boolean sentInHalves(Answer answer, List<T> batch, Consumer<List<T>> send) {
        if (answer.code() != 413 || batch.size() < 2) {
            return false;
        }
        int half = batch.size() / 2;
        send.accept(batch.subList(0, half));
        send.accept(batch.subList(half, batch.size()));
        return true;
    }

    /** @throws SystemException when {@code dimension} is below 1 (a caller bug) */
    private static void requirePositive(int dimension) {
        if (dimension < 1) {
            throw new SystemException("the embedding dimension must be >= 1, got " + dimension);
        }
    }
}
