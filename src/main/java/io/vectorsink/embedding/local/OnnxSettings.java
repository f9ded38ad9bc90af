package io.vectorsink.embedding.local;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * How the local model is run. {@link #defaults()} are the fastest settings measured on the shipped models
 * (docs/benchmarks.md, "Local inference settings"); the others exist so the benchmark can compare them.
 *
 * @param intraOpThreads ONNX threads one {@code embed} call may use; 1 runs everything in the caller's thread
 *     and makes the pipeline's embedding threads the only parallelism
 * @param maxBatchTexts inputs per model run at most
 * @param maxBatchTokens tokens per model run at most, padding included (bounds a run's memory)
 * @param optimization ONNX Runtime's graph optimisation level
 * @param spinning whether idle intra-op threads spin (only matters with more than one)
 * @param arena whether ONNX Runtime keeps freed memory in its arena for the next run
 */
public record OnnxSettings(
        int intraOpThreads,
        int maxBatchTexts,
        int maxBatchTokens,
        OptLevel optimization,
        boolean spinning,
        boolean arena) {
    public OnnxSettings {
        if (intraOpThreads < 1 || maxBatchTexts < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException("threads, texts and tokens per run must be at least 1");
        }
    }

    /** The settings the connector runs with. */
    public static OnnxSettings defaults() {
        return new OnnxSettings(1, 1, 4096, OptLevel.ALL_OPT, false, true);
    }

    public OnnxSettings withIntraOpThreads(int threads) {
        return new OnnxSettings(threads, maxBatchTexts, maxBatchTokens, optimization, spinning, arena);
    }

    public OnnxSettings withBatch(int texts, int tokens) {
        return new OnnxSettings(intraOpThreads, texts, tokens, optimization, spinning, arena);
    }

    public OnnxSettings withOptimization(OptLevel level) {
        return new OnnxSettings(intraOpThreads, maxBatchTexts, maxBatchTokens, level, spinning, arena);
    }

    public OnnxSettings withSpinning(boolean spin) {
        return new OnnxSettings(intraOpThreads, maxBatchTexts, maxBatchTokens, optimization, spin, arena);
    }

    public OnnxSettings withArena(boolean useArena) {
        return new OnnxSettings(intraOpThreads, maxBatchTexts, maxBatchTokens, optimization, spinning, useArena);
    }
}
