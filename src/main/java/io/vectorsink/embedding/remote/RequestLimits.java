package io.vectorsink.embedding.remote;

/**
 * How large one embedding request may be, as the provider documents it, in the tokens of the embedder's
 * {@link io.vectorsink.chunking.TokenCounter}.
 *
 * @param maxInputsPerRequest most texts in one request (OpenAI 2048, Cohere 96)
 * @param maxTokensPerRequest most tokens summed over the texts of one request (OpenAI 300,000); {@link
 *     Integer#MAX_VALUE} when the provider names no such limit
 * @param maxTokensPerInput most tokens of one text the provider accepts (OpenAI 8191); a longer text is
 *     refused before any request is sent
 * @param maxInputTokens what {@link io.vectorsink.embedding.Embedder#maxInputTokens()} declares, so that
 *     {@code check} rejects a larger {@code chunk_size}: equal to {@code maxTokensPerInput} when the token
 *     counter is the model's own tokenizer, lower when it only estimates
 */
public record RequestLimits(
        int maxInputsPerRequest, int maxTokensPerRequest, int maxTokensPerInput, int maxInputTokens) {
    public RequestLimits {
        if (maxInputsPerRequest < 1 || maxTokensPerRequest < 1 || maxTokensPerInput < 1 || maxInputTokens < 1) {
            throw new IllegalArgumentException("request limits must all be at least 1");
        }
        if (maxInputTokens > maxTokensPerInput) {
            throw new IllegalArgumentException("the declared input limit " + maxInputTokens
                    + " must not exceed the provider's per-input limit " + maxTokensPerInput);
        }
    }

    /** The same limits with at most {@code inputs} texts per request (never more than the provider takes). */
    public RequestLimits withMaxInputsPerRequest(int inputs) {
        return new RequestLimits(
                Math.min(inputs, maxInputsPerRequest), maxTokensPerRequest, maxTokensPerInput, maxInputTokens);
    }
}
