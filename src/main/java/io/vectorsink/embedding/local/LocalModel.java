package io.vectorsink.embedding.local;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.vectorsink.error.ConfigException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The in-process models the connector ships, with the facts needed to run them whole: where their
 * files sit in the LangChain4j jars, how token vectors are pooled, and how many positions the network
 * really has.
 */
public enum LocalModel {
    /**
     * sentence-transformers/all-MiniLM-L6-v2, int8-quantised ONNX export by Xenova, 384 dimensions, mean
     * pooling (as in LangChain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel}). The network has 512
     * position embeddings; sentence-transformers caps it at 256 tokens because it was fine-tuned on short
     * texts, so quality is best below that, but every one of 510 tokens is embedded (see {@link
     * #positionLimit}).
     */
    ALL_MINILM_L6_V2_Q(
            "all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", PoolingMode.MEAN),

    /**
     * BAAI/bge-small-en-v1.5, int8-quantised ONNX export by Xenova, 384 dimensions, CLS pooling (as in
     * LangChain4j's {@code BgeSmallEnV15QuantizedEmbeddingModel}); trained for 512-token inputs.
     */
    BGE_SMALL_EN_V15_Q(
            "bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", PoolingMode.CLS);

    /**
     * Both ONNX graphs add a learned position-embedding table of 512 rows: an input of 512 token ids
     * runs, one of 513 fails in node {@code /embeddings/Add_1} ("Attempting to broadcast an axis by a
     * dimension other than 1. 512 by 513", measured with onnxruntime 1.20). [CLS] and [SEP] take two of
     * those positions.
     */
    private static final int POSITIONS = 512;

    private final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;
    private final PoolingMode pooling;

    LocalModel(String modelName, String onnxResource, String tokenizerResource, PoolingMode pooling) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
    }

    /** The name users write in {@code embedding.model}. */
    public String modelName() {
        return modelName;
    }

    String onnxResource() {
        return onnxResource;
    }

    String tokenizerResource() {
        return tokenizerResource;
    }

    PoolingMode pooling() {
        return pooling;
    }

    /** Token positions the network accepts, special tokens included. */
    public int positionLimit() {
        return POSITIONS;
    }

    /**
     * The model named {@code name}, or the default (all-MiniLM-L6-v2) when {@code name} is null or blank.
     *
     * @throws ConfigException when no shipped model has that name
     */
    public static LocalModel fromName(String name) {
        if (name == null || name.isBlank()) {
            return ALL_MINILM_L6_V2_Q;
        }
        for (LocalModel model : values()) {
            if (model.modelName.equalsIgnoreCase(name.strip())) {
                return model;
            }
        }
        throw new ConfigException("embedding.model for mode local must be one of "
                + Arrays.stream(values()).map(LocalModel::modelName).collect(Collectors.joining(", "))
                + ", got '" + name + "'");
    }
}
