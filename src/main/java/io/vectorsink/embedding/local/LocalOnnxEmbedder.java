package io.vectorsink.embedding.local;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.RangeCounter;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.chunking.Tokens;
import io.vectorsink.chunking.WordBoundedCounts;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.Causes;
import io.vectorsink.error.SystemException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Embeds text in process with one of the ONNX models shipped in the LangChain4j jars ({@link LocalModel}),
 * every token of every input included, with ONNX Runtime directly.
 *
 * <p>One {@link #embed} call is run as few model runs as its {@link OnnxSettings} allow: the inputs are
 * grouped by length ({@link BatchPlan}), each group padded to its longest and masked, and the vectors pooled
 * over the mask and L2-normalised, as sentence-transformers does. Chunks come with the token ids the chunker
 * measured them by ({@link #embedChunks}), so a chunk is tokenized once; the counter never truncates, and any
 * input over {@link #maxInputTokens()} is refused rather than cut. After each run the embedder checks that
 * the model returned a vector for every position it was given, so no input was cut short.
 *
 * <p>Threading: one ONNX session is shared; each call runs in its caller's thread with {@link
 * OnnxSettings#intraOpThreads()} ONNX threads, so with the default of one, concurrency is exactly the number of
 * caller threads. {@link #close()} waits for running calls.
 */
public final class LocalOnnxEmbedder implements Embedder {
    /** [CLS] and [SEP], which the model expects around every input. */
    private static final int SPECIAL_TOKENS = 2;

    private static final String DIMENSION_PROBE = "dimension probe";
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final LocalModel model;
    private final OnnxSettings settings;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean splitsAtWhitespace;
    private final boolean takesTokenTypes;
    private final long cls;
    private final long sep;
    private final int dimensions;
    private final EmbeddingModel embeddingModel;
    private final TokenCounter counter = new Counter();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private LocalOnnxEmbedder(
            LocalModel model,
            OnnxSettings settings,
            OrtEnvironment environment,
            OrtSession session,
            HuggingFaceTokenizer tokenizer,
            boolean splitsAtWhitespace,
            String filesDigest) {
        this.model = model;
        this.settings = settings;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.splitsAtWhitespace = splitsAtWhitespace;
        this.takesTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
        long[] specials = tokenizer.encode("", true, false).getIds();
        if (specials.length != SPECIAL_TOKENS) {
            throw new SystemException("the tokenizer of local model " + model.modelName() + " adds " + specials.length
                    + " special tokens to an input; [CLS] and [SEP] expected");
        }
        this.cls = specials[0];
        this.sep = specials[1];
        this.dimensions =
                embedUnlocked(List.of(Chunk.unmeasured(DIMENSION_PROBE))).get(0).length;
        this.embeddingModel =
                EmbeddingModel.of("local", model.modelName(), dimensions).with("files_sha256", filesDigest);
    }

    /** Loads {@code model} with the fastest settings measured. */
    public static LocalOnnxEmbedder load(LocalModel model) {
        return load(model, OnnxSettings.defaults());
    }

    /**
     * Loads {@code model} from the jars on the classpath.
     *
     * @throws SystemException when the model files are missing or onnxruntime cannot load them
     */
    public static LocalOnnxEmbedder load(LocalModel model, OnnxSettings settings) {
        CompletableFuture<byte[]> onnx = new CompletableFuture<>();
        return load(
                model,
                onnx,
                () -> onnx.complete(readResource(model, model.onnxResource())),
                settings,
                (network, tokenizerJson) -> shippedFilesDigest(model, network, tokenizerJson));
    }

    /**
     * The {@code files_sha256} recorded for {@code model}'s shipped files, once their CRC-32 shows these are
     * those files; other files are refused. Not the SHA-256 itself: in a JVM that runs only the C1 compiler
     * (the Docker image's) the JDK's SHA-256 has no intrinsic and takes 0.3 s of CPU over the 23 MB, while
     * CRC-32 has one everywhere. The check is against another langchain4j-embeddings jar on the classpath, not
     * against an attacker, who could change the code as easily; {@code LocalOnnxEmbedderTest} checks the
     * SHA-256 against the files.
     */
    static String shippedFilesDigest(LocalModel model, byte[] onnx, byte[] tokenizerJson) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (byte[] file : List.of(onnx, tokenizerJson)) {
            crc.update(lengthOf(file));
            crc.update(file);
        }
        if (crc.getValue() != model.filesCrc32()) {
            throw new SystemException("the files of local embedding model " + model.modelName() + " on the classpath"
                    + " are not the ones this connector was built and tested with (CRC-32 "
                    + Long.toHexString(crc.getValue()) + ", not " + Long.toHexString(model.filesCrc32())
                    + "); is another langchain4j-embeddings jar on the classpath?");
        }
        return model.filesSha256();
    }

    private static byte[] lengthOf(byte[] file) {
        return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(file.length).array();
    }

    /**
     * What a load of {@code model} from the classpath gives, known before it: the model's name, dimensions
     * and the digest of its files in the jars this connector is built with.
     */
    public static EmbeddingModel announced(LocalModel model) {
        return EmbeddingModel.of("local", model.modelName(), model.dimensions())
                .with("files_sha256", model.filesSha256());
    }

    /** For example {@code local all-minilm-l6-v2-q (384 dims, 254-token window)}. */
    public static String describe(LocalModel model) {
        return "local " + model.modelName() + " (" + model.dimensions() + " dims, " + maxInputTokens(model)
                + "-token window)";
    }

    /** The model's window minus [CLS] and [SEP]: 254 for all-MiniLM-L6-v2, 510 for bge-small-en-v1.5. */
    public static int maxInputTokens(LocalModel model) {
        return model.window() - SPECIAL_TOKENS;
    }

    /** {@code model}'s tokenizer and pooling with the network {@code onnx} (for comparing exports). */
    static LocalOnnxEmbedder load(LocalModel model, byte[] onnx, OnnxSettings settings) {
        return load(model, onnx, settings, LocalOnnxEmbedder::filesDigest);
    }

    /** As {@link #load(LocalModel, byte[], OnnxSettings)}, the files' digest taken by {@code filesDigest}. */
    static LocalOnnxEmbedder load(LocalModel model, byte[] onnx, OnnxSettings settings, FilesDigest filesDigest) {
        return load(model, CompletableFuture.completedFuture(onnx), () -> {}, settings, filesDigest);
    }

    /**
     * The load is a sync's largest fixed cost (about a second of one core), made of independent steps: ONNX
     * Runtime unpacking and loading its native library, inflating the model file from its jar, building the
     * session, loading the tokenizer, hashing both files. One thread loads the runtime and then builds the
     * session and the hash as soon as {@code readOnnx} has delivered the file; the caller reads the file and
     * loads the tokenizer meanwhile, so on two cores the steps overlap instead of queueing.
     */
    private static LocalOnnxEmbedder load(
            LocalModel model,
            CompletableFuture<byte[]> onnx,
            Runnable readOnnx,
            OnnxSettings settings,
            FilesDigest filesDigest) {
        byte[] tokenizerJson = readResource(model, model.tokenizerResource());
        CompletableFuture<LoadedNetwork> network = CompletableFuture.supplyAsync(
                () -> LoadedNetwork.create(model, onnx, tokenizerJson, settings, filesDigest),
                LocalOnnxEmbedder::loaderThread);
        HuggingFaceTokenizer tokenizer = null;
        try {
            try {
                readOnnx.run();
            } finally {
                // A failed read must not leave the loader thread waiting for the file.
                onnx.completeExceptionally(new SystemException("the model file was not read"));
            }
            // Never truncate (oversized inputs must be seen, not cut) and never pad (runs pad themselves).
            tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false", "truncation", "false"));
            LoadedNetwork loaded = joined(model, network);
            // A failure here closes the session below, once.
            return new LocalOnnxEmbedder(
                    model,
                    settings,
                    loaded.environment(),
                    loaded.session(),
                    tokenizer,
                    TokenOffsets.splitsAtWhitespace(tokenizerJson),
                    loaded.filesDigest());
        } catch (IOException | RuntimeException e) {
            closeQuietly(tokenizer, null);
            // Whatever failed here, the session being built is released once it exists.
            network.thenAccept(loaded -> closeQuietly(null, loaded.session()));
            if (e instanceof SystemException systemException) {
                throw systemException;
            }
            throw new SystemException("local embedding model " + model.modelName() + " could not be loaded", e);
        }
    }

    private static void loaderThread(Runnable task) {
        Thread thread = new Thread(task, "vectorsink-model-load");
        thread.setDaemon(true);
        thread.start();
    }

    private static LoadedNetwork joined(LocalModel model, CompletableFuture<LoadedNetwork> network) {
        try {
            return network.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            // An Error of the loader thread (ONNX Runtime's native library failing to load is an
            // ExceptionInInitializerError): its description is all check can show of why.
            throw new SystemException(
                    "local embedding model " + model.modelName() + " could not be loaded: "
                            + Causes.describe(e.getCause()),
                    e.getCause());
        }
    }

    /** The {@code files_sha256} of a model's network and tokenizer files. */
    @FunctionalInterface
    interface FilesDigest {
        String of(byte[] onnx, byte[] tokenizerJson);
    }

    /** The ONNX side of a loaded model: the runtime, the session on the network, and the files' digest. */
    private record LoadedNetwork(OrtEnvironment environment, OrtSession session, String filesDigest) {
        static LoadedNetwork create(
                LocalModel model,
                CompletableFuture<byte[]> onnxFile,
                byte[] tokenizerJson,
                OnnxSettings settings,
                FilesDigest filesDigest) {
            // The runtime first: it does not need the file, which the caller is still reading.
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            byte[] onnx = onnxFile.join();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(settings.optimization());
                options.setCPUArenaAllocator(settings.arena());
                // Shapes change from run to run: a memory pattern planned for one shape would not be reused.
                options.setMemoryPatternOptimization(false);
                options.addConfigEntry("session.intra_op.allow_spinning", settings.spinning() ? "1" : "0");
                OrtSession session = environment.createSession(onnx, options);
                try {
                    return new LoadedNetwork(environment, session, filesDigest.of(onnx, tokenizerJson));
                } catch (RuntimeException | Error e) {
                    closeQuietly(null, session);
                    throw e;
                }
            } catch (OrtException e) {
                throw new SystemException(
                        "local embedding model " + model.modelName() + " could not be loaded by onnxruntime", e);
            }
        }
    }

    /**
     * SHA-256 over the network and the tokenizer, each prefixed by its length: a new export of a model under
     * the same name (another quantization, another vocabulary) gives other vectors, and is another model.
     */
    private static String filesDigest(byte[] onnx, byte[] tokenizerJson) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (byte[] file : List.of(onnx, tokenizerJson)) {
                sha.update(lengthOf(file));
                sha.update(file);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new SystemException("SHA-256 is missing from this Java runtime", e);
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

    @Override
    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    /** The model's window minus [CLS] and [SEP]: 254 for all-MiniLM-L6-v2, 510 for bge-small-en-v1.5. */
    @Override
    public int maxInputTokens() {
        return maxInputTokens(model);
    }

    /**
     * Counts with the model's own WordPiece tokenizer, without truncation and without [CLS]/[SEP]; {@link
     * TokenCounter#tokenize} also hands out the ids, which {@link #embedChunks} runs as they are.
     */
    @Override
    public TokenCounter tokenCounter() {
        return counter;
    }

    /** Texts per model run at most. */
    @Override
    public int maxBatchSize() {
        return settings.maxBatchTexts();
    }

    /**
     * Embeds each text whole, in the caller's thread.
     *
     * @throws SystemException when a text has no tokens or more than {@link #maxInputTokens()} (the chunker
     *     must never produce either), or when the model fails
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        return embedChunks(texts.stream().map(Chunk::unmeasured).toList());
    }

    /** As {@link #embed}, running the token ids of chunks this embedder's counter measured. */
    @Override
    public List<float[]> embedChunks(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            return List.of();
        }
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return embedUnlocked(chunks);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<float[]> embedUnlocked(List<Chunk> chunks) {
        int[][] ids = new int[chunks.size()][];
        int[] lengths = new int[chunks.size()];
        for (int i = 0; i < chunks.size(); i++) {
            ids[i] = idsOf(chunks.get(i));
            if (ids[i].length == 0) {
                throw new SystemException("input " + i + " of an embedding batch has no tokens for "
                        + model.modelName() + " (blank, or only characters the tokenizer drops); chunks like"
                        + " that must be skipped before embedding");
            }
            if (ids[i].length > maxInputTokens()) {
                throw new SystemException("input " + i + " of an embedding batch has " + ids[i].length + " tokens, more"
                        + " than the " + maxInputTokens() + " that " + model.modelName() + " embeds whole; chunks"
                        + " must be cut to at most that many tokens");
            }
            lengths[i] = ids[i].length + SPECIAL_TOKENS;
        }
        float[][] vectors = new float[chunks.size()][];
        for (int[] run : BatchPlan.of(lengths, settings.maxBatchTexts(), settings.maxBatchTokens())) {
            float[][] pooled = run(ids, run);
            for (int i = 0; i < run.length; i++) {
                vectors[run[i]] = pooled[i];
            }
        }
        return List.of(vectors);
    }

    /** The chunk's own ids when this embedder's tokenizer made them; otherwise its text, tokenized now. */
    private int[] idsOf(Chunk chunk) {
        Tokens tokens = chunk.tokens();
        if (tokens != null && tokens.idsFrom(tokenizer)) {
            return tokens.ids();
        }
        return tokenizeUnlocked(chunk.text()).ids();
    }

    /** One model run over the inputs {@code run} (longest first), padded to the longest and masked. */
    private float[][] run(int[][] ids, int[] run) {
        int rows = run.length;
        int width = ids[run[0]].length + SPECIAL_TOKENS;
        long[] inputIds = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            int[] row = ids[run[r]];
            int base = r * width;
            inputIds[base] = cls;
            for (int t = 0; t < row.length; t++) {
                inputIds[base + 1 + t] = row[t];
            }
            inputIds[base + 1 + row.length] = sep;
            java.util.Arrays.fill(mask, base, base + row.length + SPECIAL_TOKENS, 1L);
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (takesTokenTypes) {
                inputs.put(
                        TOKEN_TYPE_IDS,
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] outShape = hidden.getInfo().getShape();
                // The model saw exactly the tokens counted: one output vector for every position given.
                if (outShape.length != 3 || outShape[0] != rows || outShape[1] != width) {
                    throw new SystemException("local embedding model " + model.modelName() + " returned token vectors"
                            + " of shape " + java.util.Arrays.toString(outShape) + " for " + rows + " inputs of "
                            + width + " positions; refusing vectors of partly embedded text");
                }
                return pool(hidden.getFloatBuffer(), ids, run, width, (int) outShape[2]);
            }
        } catch (OrtException | RuntimeException e) {
            if (e instanceof SystemException systemException) {
                throw systemException;
            }
            throw new SystemException(
                    "local embedding model " + model.modelName() + " failed on a run of " + rows + " inputs", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Pools each row's token vectors over its real tokens and normalises the result to unit length. */
    private float[][] pool(FloatBuffer hidden, int[][] ids, int[] run, int width, int dims) {
        float[][] pooled = new float[run.length][];
        for (int r = 0; r < run.length; r++) {
            int positions = ids[run[r]].length + SPECIAL_TOKENS;
            int base = r * width * dims;
            float[] vector = new float[dims];
            if (model.pooling() == LocalModel.Pooling.CLS) {
                hidden.get(base, vector);
            } else {
                // One bulk copy, then plain array arithmetic: a get() per element cost 0.1 ms per chunk of 50
                // tokens in the C1-compiled code the Docker image runs (docs/benchmarks.md, "Start-up and JIT
                // compilers").
                float[] tokens = new float[positions * dims];
                hidden.get(base, tokens);
                for (int t = 0; t < positions; t++) {
                    int offset = t * dims;
                    for (int d = 0; d < dims; d++) {
                        vector[d] += tokens[offset + d];
                    }
                }
                for (int d = 0; d < dims; d++) {
                    vector[d] /= positions;
                }
            }
            pooled[r] = normalised(vector);
        }
        return pooled;
    }

    private static float[] normalised(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) (vector[d] / norm);
            }
        }
        return vector;
    }

    private Tokens tokenizeUnlocked(String text) {
        return narrowed(tokenizer.encode(text, false, false).getIds());
    }

    private Tokens narrowed(long[] ids) {
        int[] narrow = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            narrow[i] = (int) ids[i];
        }
        return new Tokens(narrow.length, narrow, tokenizer);
    }

    private void ensureOpen() {
        if (closed) {
            throw new SystemException("local embedding model " + model.modelName() + " was used after close");
        }
    }

    /** For example {@code local all-minilm-l6-v2-q (384 dims, 254-token window)}. */
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
                closeQuietly(tokenizer, session);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(HuggingFaceTokenizer tokenizer, OrtSession session) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                // Nothing useful to do at shutdown: the native memory goes with the process.
            }
        }
    }

    /** The model's WordPiece tokenizer as the chunker sees it; thread-safe. */
    private final class Counter implements TokenCounter {
        @Override
        public int count(String text) {
            // The chunker counts every piece it considers; only chunks need their ids kept.
            lifecycle.readLock().lock();
            try {
                ensureOpen();
                return tokenizer.encode(text, false, false).getIds().length;
            } finally {
                lifecycle.readLock().unlock();
            }
        }

        @Override
        public Tokens tokenize(String text) {
            lifecycle.readLock().lock();
            try {
                ensureOpen();
                return tokenizeUnlocked(text);
            } finally {
                lifecycle.readLock().unlock();
            }
        }

        /**
         * WordPiece never makes a token across whitespace, so the pieces of a text are counted from one
         * tokenization per window of it instead of one tokenizer call per piece (per word, in a text without
         * line breaks).
         */
        @Override
        public RangeCounter ranges(String text) {
            if (!splitsAtWhitespace) {
                return TokenCounter.super.ranges(text);
            }
            return new WordBoundedCounts(text, this::tokenizeWindow, this);
        }

        private WordBoundedCounts.Window tokenizeWindow(String window) {
            lifecycle.readLock().lock();
            try {
                ensureOpen();
                ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(window, false, false);
                int[] starts = TokenOffsets.starts(encoding, window);
                return starts == null ? null : new WordBoundedCounts.Window(starts, narrowed(encoding.getIds()));
            } finally {
                lifecycle.readLock().unlock();
            }
        }
    }
}
