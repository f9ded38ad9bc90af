package io.vectorsink.embedding;

import io.vectorsink.error.Causes;
import io.vectorsink.error.SystemException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * An embedder that may still be loading, with what is known of it before it is ready: the model it runs
 * (which a store records), its dimensions and its window. A local model takes about half a second of two
 * threads to load (docs/benchmarks.md, "Start-up and JIT compilers"), so a sync prepares its store meanwhile; every other
 * embedder is ready at once.
 */
public final class PendingEmbedder implements AutoCloseable {
    private final CompletableFuture<Embedder> loading;
    private final EmbeddingModel model;
    private final int maxInputTokens;
    private final String description;

    private PendingEmbedder(
            CompletableFuture<Embedder> loading, EmbeddingModel model, int maxInputTokens, String description) {
        this.loading = loading;
        this.model = model;
        this.maxInputTokens = maxInputTokens;
        this.description = description;
    }

    /** An embedder that is ready. */
    public static PendingEmbedder ready(Embedder embedder) {
        return new PendingEmbedder(
                CompletableFuture.completedFuture(embedder),
                embedder.embeddingModel(),
                embedder.maxInputTokens(),
                embedder.description());
    }

    /**
     * Starts {@code load} in a background thread; {@code model}, {@code maxInputTokens} and {@code description}
     * say what it will give, and {@link #await} refuses an embedder of another model.
     */
    public static PendingEmbedder loading(
            Supplier<? extends Embedder> load, EmbeddingModel model, int maxInputTokens, String description) {
        CompletableFuture<Embedder> loading = CompletableFuture.<Embedder>supplyAsync(load::get, task -> {
            Thread thread = new Thread(task, "vectorsink-embedder-load");
            thread.setDaemon(true);
            thread.start();
        });
        return new PendingEmbedder(loading, model, maxInputTokens, description);
    }

    /** The model the embedder runs, known before it is loaded. */
    public EmbeddingModel embeddingModel() {
        return model;
    }

    public int dimensions() {
        return model.dimensions();
    }

    /** Tokens of one input the embedder takes at most (see {@link Embedder#maxInputTokens()}). */
    public int maxInputTokens() {
        return maxInputTokens;
    }

    /** As {@link Embedder#description()}. */
    public String description() {
        return description;
    }

    /**
     * Waits for the load.
     *
     * @throws SystemException (or the load's own {@link io.vectorsink.error.ConnectorException}) when it failed,
     *     or gave an embedder of another model than announced (which is then closed)
     */
    public Embedder await() {
        Embedder embedder;
        try {
            embedder = loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            // An Error (a native library that does not load, memory): say which embedder and what, since check
            // shows only this message.
            throw new SystemException(
                    "the embedding model (" + description + ") could not be loaded: " + Causes.describe(e.getCause()),
                    e.getCause());
        }
        if (!embedder.embeddingModel().equals(model)) {
            // Not the caller's to close, since it gets none: EmbedderFactory.create's callers never see it.
            embedder.close();
            throw new SystemException("the embedder loaded runs "
                    + embedder.embeddingModel().describe() + ", not the announced " + model.describe());
        }
        return embedder;
    }

    /** Closes the embedder now if it is loaded, or as soon as its load ends (a failed sync does not wait). */
    @Override
    public void close() {
        loading.thenAccept(Embedder::close);
    }
}
