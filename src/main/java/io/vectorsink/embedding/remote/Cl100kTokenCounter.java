package io.vectorsink.embedding.remote;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.vectorsink.chunking.TokenCounter;

/**
 * Counts tokens with OpenAI's {@code cl100k_base} byte-pair encoding (jtokkit), the tokenizer of
 * text-embedding-3-small, -3-large and ada-002. Text that looks like a special token
 * ({@code <|endoftext|>}) is counted as ordinary text, as the embeddings API treats it. Thread-safe.
 */
public final class Cl100kTokenCounter implements TokenCounter {
    private static final Cl100kTokenCounter INSTANCE = new Cl100kTokenCounter();

    private Cl100kTokenCounter() {}

    public static Cl100kTokenCounter instance() {
        return INSTANCE;
    }

    @Override
    public int count(String text) {
        return Holder.CL100K.countTokensOrdinary(text);
    }

    /** Loads the 1.7 MB vocabulary on first use only. */
    private static final class Holder {
        static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }
}
