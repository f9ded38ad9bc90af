package io.vectorsink.embedding.local;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.error.SystemException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Embeds text in process with one of the ONNX models shipped in the LangChain4j jars ({@link LocalModel}),
 * every token of every input included.
 *
 * <p>LangChain4j's stock models cannot be used as they come: the tokenizer.json of all-MiniLM-L6-v2-q
 * truncates at 128 tokens, so only the first 126 tokens of a text are embedded, and texts that differ
 * after that get the same vector. This class loads the same model and tokenizer files, lifts the
 * tokenizer's truncation to the network's 512 positions ({@link TokenizerJson}), and refuses any input
 * longer than {@link #maxInputTokens()} instead of letting the library cut it or split and average it.
 * After each call it checks that the encoder saw exactly the tokens {@link #tokenCounter()} counted.
 *
 * <p>Threading: one ONNX session is shared; each {@link #embed} call runs entirely in its caller's thread
 * with one intra-op thread, so concurrency is exactly the number of caller threads (on 2 cores, 2 caller
 * threads with one intra-op thread each measured best). {@link #close()} waits for running calls.
 */
public final class LocalOnnxEmbedder implements Embedder {
    /** [CLS] and [SEP], which the tokenizer adds around every input. */
    private static final int SPECIAL_TOKENS = 2;

    private static final int MAX_BATCH_SIZE = 32;
    private static final String DIMENSION_PROBE = "dimension probe";

    private final LocalModel model;
    private final OrtSession session;
    private final HuggingFaceTokenizer counter;
    private final PinnedEncoderModel encoder;
    private final int dimensions;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private LocalOnnxEmbedder(
            LocalModel model, OrtSession session, HuggingFaceTokenizer counter, OnnxBertBiEncoder bi) {
        this.model = model;
        this.session = session;
        this.counter = counter;
        this.encoder = new PinnedEncoderModel(bi);
        this.dimensions = embedUnlocked(List.of(DIMENSION_PROBE)).get(0).length;
    }

    /** Loads {@code model} with one ONNX intra-op thread per caller thread, the best setting measured. */
    public static LocalOnnxEmbedder load(LocalModel model) {
        return load(model, 1);
    }

    /**
     * Loads {@code model} from the jars on the classpath.
     *
     * @param intraOpThreads ONNX threads that each {@link #embed} call may use (1 lets the caller threads
     *     be the only parallelism)
     * @throws SystemException when the model files are missing or onnxruntime cannot load them
     */
    public static LocalOnnxEmbedder load(LocalModel model, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        byte[] onnx = readResource(model, model.onnxResource());
        byte[] tokenizerJson;
        try {
            tokenizerJson =
                    TokenizerJson.withTruncation(readResource(model, model.tokenizerResource()), model.positionLimit());
        } catch (IOException e) {
            throw new SystemException("the tokenizer of local model " + model.modelName() + " cannot be read", e);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        HuggingFaceTokenizer counter = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(onnx, options);
            // The counter must never truncate: it is how oversized inputs are detected.
            counter = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false", "truncation", "false"));
            OnnxBertBiEncoder bi = new OnnxBertBiEncoder(
                    environment, session, new ByteArrayInputStream(tokenizerJson), model.pooling());
            return new LocalOnnxEmbedder(model, session, counter, bi);
        } catch (OrtException | IOException | RuntimeException e) {
            closeQuietly(counter, session);
            if (e instanceof SystemException systemException) {
                throw systemException;
            }
            throw new SystemException("local embedding model " + model.modelName() + " could not be loaded", e);
        }
    }

    private static byte[] readResource(LocalModel model, String resource) {
        ClassLoader loader = LocalOnnxEmbedder.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new SystemException("file " + resource + " of local embedding model " + model.modelName()
                        + " is not on the classpath (its langchain4j-embeddings jar is missing)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SystemException(
                    "file " + resource + " of local embedding model " + model.modelName() + " cannot be read", e);
        }
    }

    /** The model this embedder runs. */
    public LocalModel model() {
        return model;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    /** The position limit minus [CLS] and [SEP]: 510 for both shipped models. */
    @Override
    public int maxInputTokens() {
        return model.positionLimit() - SPECIAL_TOKENS;
    }

    /** Counts with the model's own WordPiece tokenizer, without truncation and without [CLS]/[SEP]. */
    @Override
    public TokenCounter tokenCounter() {
        return this::countTokens;
    }

    private int countTokens(String text) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return countUnlocked(text);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private int countUnlocked(String text) {
        return counter.encode(text, false, false).getIds().length;
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH_SIZE;
    }

    /**
     * Embeds each text whole, in the caller's thread.
     *
     * @throws SystemException when a text has no tokens or more than {@link #maxInputTokens()} (the chunker
     *     must never produce either), or when the model fails
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return embedUnlocked(texts);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<float[]> embedUnlocked(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        long counted = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            int tokens = countUnlocked(text);
            if (tokens == 0) {
                throw new SystemException("input " + i + " of an embedding batch has no tokens for "
                        + model.modelName() + " (blank, or only characters the tokenizer drops); chunks like"
                        + " that must be skipped before embedding");
            }
            if (tokens > maxInputTokens()) {
                throw new SystemException("input " + i + " of an embedding batch has " + tokens + " tokens, more than"
                        + " the " + maxInputTokens() + " that " + model.modelName() + " embeds whole; chunks must"
                        + " be cut to at most that many tokens");
            }
            counted += tokens;
            segments.add(TextSegment.from(text));
        }
        Response<List<Embedding>> response;
        try {
            response = encoder.embedAll(segments);
        } catch (RuntimeException e) {
            throw new SystemException(
                    "local embedding model " + model.modelName() + " failed on a batch of " + texts.size() + " inputs",
                    e);
        }
        // TokenUsage is the encoder's own count of the tokens it embedded (without [CLS]/[SEP]); any
        // difference from ours means text was cut or split, and such vectors must not be stored.
        TokenUsage usage = response.tokenUsage();
        Integer embedded = usage == null ? null : usage.inputTokenCount();
        if (embedded == null || embedded != counted) {
            throw new SystemException("local embedding model " + model.modelName() + " embedded " + embedded
                    + " tokens where " + counted + " were counted; refusing vectors of partly embedded text");
        }
        List<Embedding> embeddings = response.content();
        if (embeddings.size() != texts.size()) {
            throw new SystemException("local embedding model " + model.modelName() + " returned " + embeddings.size()
                    + " vectors for " + texts.size() + " inputs");
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(embedding.vector());
        }
        return vectors;
    }

    private void ensureOpen() {
        if (closed) {
            throw new SystemException("local embedding model " + model.modelName() + " was used after close");
        }
    }

    /** For example {@code local all-minilm-l6-v2-q (384 dims, 510-token window)}. */
    @Override
    public String description() {
        return "local " + model.modelName() + " (" + dimensions + " dims, " + maxInputTokens() + "-token window)";
    }

    /** Releases the ONNX session and tokenizer after the running calls finish; later calls fail. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(counter, session);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(HuggingFaceTokenizer counter, OrtSession session) {
        if (counter != null) {
            counter.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                // Nothing useful to do at shutdown: the native memory goes with the process.
            }
        }
    }

    /**
     * LangChain4j's in-process model around our own encoder. {@code OnnxBertBiEncoder.embed} is package
     * private, so this subclass is the public way in. The direct executor makes {@code embedAll} run every
     * text in the caller's thread: the base class would otherwise fan out to a pool of one thread per core,
     * on top of the pipeline's own embedding threads.
     */
    private static final class PinnedEncoderModel extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder bi;

        PinnedEncoderModel(OnnxBertBiEncoder bi) {
            super(Runnable::run);
            this.bi = bi;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return bi;
        }
    }
}
