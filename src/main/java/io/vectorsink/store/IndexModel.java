package io.vectorsink.store;

import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule that keeps one embedding model per index: vectors of two models in one index (all-MiniLM-L6-v2 and
 * bge-small-en-v1.5 both make 384 dimensions) make every search quietly return nonsense. A store records the
 * configured model ({@link RecordedModel}) when it creates the index, and asks {@link #judge} what to do with
 * an existing one before it writes. Thread-safe.
 */
public final class IndexModel {
    /** The config option that allows a deliberate change of model. */
    public static final String OPTION = "advanced.allow_model_change";

    private static final IndexModel NONE = new IndexModel(null, false);

    private final EmbeddingModel model;
    private final boolean allowChange;
    private final List<String> notes = new ArrayList<>();

    private IndexModel(EmbeddingModel model, boolean allowChange) {
        this.model = model;
        this.allowChange = allowChange;
    }

    /** The configured model; with {@code allowChange}, an index of another model is taken over and re-recorded. */
    public static IndexModel of(EmbeddingModel model, boolean allowChange) {
        return new IndexModel(Objects.requireNonNull(model, "model"), allowChange);
    }

    /**
     * No model known (a store used to query, or tests of other behaviour): nothing is recorded and every index
     * is accepted.
     */
    public static IndexModel none() {
        return NONE;
    }

    /** The configured model, when there is one. */
    public Optional<EmbeddingModel> model() {
        return Optional.ofNullable(model);
    }

    /**
     * What a write does to an existing index whose recorded model is {@code recorded} (empty: it records none,
     * as indexes of older vectorsink versions and other writers): whether the store must record the configured
     * model in it now. Notes what is worth knowing for {@link #notes}.
     *
     * @param index the index in words, e.g. {@code Chroma collection 'docs'}
     * @param canRecord whether the store can record a model in an existing index; when false an index without
     *     a record is only noted
     * @throws ConfigException when the index holds another model's vectors and no change is allowed
     */
    public boolean judge(Optional<RecordedModel> recorded, String index, boolean canRecord) {
        if (model == null) {
            return false;
        }
        if (recorded.isEmpty()) {
            note(index + " records no embedding model (written by an older vectorsink or another writer); "
                    + (canRecord
                            ? "the first write records " + model.describe() + " in it"
                            : "it cannot be recorded in the existing index, so only a new one is protected"));
            return canRecord;
        }
        RecordedModel stored = recorded.get();
        if (stored.names(model)) {
            return false;
        }
        if (!allowChange) {
            throw new ConfigException(index + " holds vectors of " + words(stored) + ", but the embedding is"
                    + " configured for " + words(model, stored)
                    + "; vectors of two models in one index make every search"
                    + " return nonsense. Use the model the index was made with, or another index name, or set "
                    + OPTION + " to true to migrate on purpose (then rewrite every stream, e.g. with an overwrite"
                    + " sync, so no old vector is left)");
        }
        note(index + " was made with " + words(stored) + "; " + OPTION + " is on, so "
                + (canRecord
                        ? "the next write records " + words(model, stored) + " in it"
                        : "it takes vectors of " + words(model, stored) + ", but the index keeps its record, so"
                                + " every write needs the option")
                + "; its older vectors do not compare with new ones until every stream is rewritten");
        return canRecord;
    }

    /** What the last judgements noted, in order; for {@link VectorStore#checkNotes}. */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    private synchronized void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    /** The stored model in plain words; with its canonical text when its description is the configured one's. */
    private String words(RecordedModel stored) {
        boolean alike = stored.description().equals(model.describe()) && stored.canonical() != null;
        return alike ? stored.description() + " [" + stored.canonical() + "]" : stored.description();
    }

    /** The configured model in plain words; with its canonical text when the stored one may read the same. */
    private String words(EmbeddingModel configured, RecordedModel stored) {
        // A record without its canonical text (Pinecone's tags) cannot show the part that differs: show ours.
        boolean alike = stored.canonical() == null || stored.description().equals(configured.describe());
        return alike ? configured.describe() + " [" + configured.canonical() + "]" : configured.describe();
    }
}
