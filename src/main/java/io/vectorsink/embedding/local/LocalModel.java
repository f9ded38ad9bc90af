package io.vectorsink.embedding.local;

import io.vectorsink.error.ConfigException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The in-process models the connector ships, with the facts needed to run them: where their files sit in
 * the LangChain4j jars, how token vectors are pooled, and how many tokens each model is made for.
 */
public enum LocalModel {
    /**
     * sentence-transformers/all-MiniLM-L6-v2, int8-quantised ONNX export by Xenova, 384 dimensions, mean
     * pooling. Its model card and sentence-transformers' {@code max_seq_length} cut inputs at 256 word
     * pieces: the model was trained on texts of at most 128 and is documented for 256, although the network
     * has 512 position rows. [CLS] and [SEP] count among the 256.
     */
    ALL_MINILM_L6_V2_Q(
            "all-minilm-l6-v2-q",
            "all-minilm-l6-v2-q.onnx",
            "all-minilm-l6-v2-q-tokenizer.json",
            Pooling.MEAN,
            256,
            384,
            "cef156837dee80bea34cadae6f5f0f857ecda12a7ec5d9de772f9b7421e12d89"),

    /**
     * BAAI/bge-small-en-v1.5, int8-quantised ONNX export by Xenova, 384 dimensions, CLS pooling; made for
     * inputs of up to 512 tokens (its model card and {@code max_seq_length}), [CLS] and [SEP] included.
     */
    BGE_SMALL_EN_V15_Q(
            "bge-small-en-v1.5-q",
            "bge-small-en-v1.5-q.onnx",
            "bge-small-en-v1.5-q-tokenizer.json",
            Pooling.CLS,
            512,
            384,
            "a521b6165aba37c9d888c3d073620baf6921ac91fd68297c19e9480e3ff611f6");

    /** How one vector is made of a text's token vectors. */
    enum Pooling {
        /** The mean of every token's vector ([CLS] and [SEP] included), as sentence-transformers does. */
        MEAN,
        /** The vector of [CLS], the first token. */
        CLS
    }

    private final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final int window;
    private final int dimensions;
    private final String filesSha256;

    LocalModel(
            String modelName,
            String onnxResource,
            String tokenizerResource,
            Pooling pooling,
            int window,
            int dimensions,
            String filesSha256) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.window = window;
        this.dimensions = dimensions;
        this.filesSha256 = filesSha256;
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

    Pooling pooling() {
        return pooling;
    }

    /** Tokens of one input the model is documented for, [CLS] and [SEP] included: 256 or 512. */
    public int window() {
        return window;
    }

    /** Dimensions of the model's vectors; loading checks them. */
    public int dimensions() {
        return dimensions;
    }

    /**
     * The digest of the model's files in the langchain4j-embeddings jars this connector is built and tested
     * with ({@code LocalOnnxEmbedder}'s {@code files_sha256}); loading refuses other files. Known before the
     * load, so a sync can prepare its store (which records the model) while the model loads.
     */
    String filesSha256() {
        return filesSha256;
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
