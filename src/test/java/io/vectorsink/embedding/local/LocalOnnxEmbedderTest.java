package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderContract;
import io.vectorsink.embedding.Vectors;
import io.vectorsink.error.SystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The default local model, run for real (loading takes about a second). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalOnnxEmbedderTest implements EmbedderContract {
    private LocalOnnxEmbedder embedder;

    @BeforeAll
    void load() {
        embedder = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q);
    }

    @AfterAll
    void close() {
        embedder.close();
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    @Test
    void should_name_the_model_and_the_digest_of_its_files() {
        var model = embedder.embeddingModel();
        assertThat(model.provider()).isEqualTo("local");
        assertThat(model.name()).isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q.modelName());
        assertThat(model.dimensions()).isEqualTo(384);
        assertThat(model.parameters().get("files_sha256")).matches("[0-9a-f]{64}");
        try (LocalOnnxEmbedder bge = LocalOnnxEmbedder.load(LocalModel.BGE_SMALL_EN_V15_Q)) {
            assertThat(bge.embeddingModel().parameters().get("files_sha256"))
                    .isNotEqualTo(model.parameters().get("files_sha256"));
        }
    }

    @Test
    void should_announce_before_loading_the_model_that_each_load_gives() {
        assertThat(LocalOnnxEmbedder.announced(LocalModel.ALL_MINILM_L6_V2_Q)).isEqualTo(embedder.embeddingModel());
        assertThat(LocalOnnxEmbedder.describe(LocalModel.ALL_MINILM_L6_V2_Q)).isEqualTo(embedder.description());
        assertThat(LocalOnnxEmbedder.maxInputTokens(LocalModel.ALL_MINILM_L6_V2_Q))
                .isEqualTo(embedder.maxInputTokens());
        try (LocalOnnxEmbedder bge = LocalOnnxEmbedder.load(LocalModel.BGE_SMALL_EN_V15_Q)) {
            assertThat(LocalOnnxEmbedder.announced(LocalModel.BGE_SMALL_EN_V15_Q))
                    .isEqualTo(bge.embeddingModel());
            assertThat(LocalOnnxEmbedder.describe(LocalModel.BGE_SMALL_EN_V15_Q))
                    .isEqualTo(bge.description());
        }
    }

    @Test
    void should_know_the_sha256_of_the_shipped_files_and_refuse_other_files() throws Exception {
        for (LocalModel model : LocalModel.values()) {
            // The byte[] load computes the SHA-256 of the files it is given.
            try (LocalOnnxEmbedder computed =
                    LocalOnnxEmbedder.load(model, resource(model.onnxResource()), OnnxSettings.defaults())) {
                assertThat(computed.embeddingModel()).isEqualTo(LocalOnnxEmbedder.announced(model));
            }
        }
        byte[] otherNetwork = resource(LocalModel.BGE_SMALL_EN_V15_Q.onnxResource());
        byte[] tokenizer = resource(LocalModel.ALL_MINILM_L6_V2_Q.tokenizerResource());

        assertThatThrownBy(() ->
                        LocalOnnxEmbedder.shippedFilesDigest(LocalModel.ALL_MINILM_L6_V2_Q, otherNetwork, tokenizer))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("all-minilm-l6-v2-q")
                .hasMessageContaining("not the ones this connector was built and tested with");
        assertThat(LocalOnnxEmbedder.shippedFilesDigest(
                        LocalModel.ALL_MINILM_L6_V2_Q,
                        resource(LocalModel.ALL_MINILM_L6_V2_Q.onnxResource()),
                        tokenizer))
                .isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q.filesSha256());
    }

    private byte[] resource(String name) throws java.io.IOException {
        try (var in = getClass().getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void should_say_why_the_model_could_not_be_loaded_when_its_loader_thread_fails_with_an_error() throws Exception {
        byte[] onnx = resource(LocalModel.ALL_MINILM_L6_V2_Q.onnxResource());

        assertThatThrownBy(() -> LocalOnnxEmbedder.load(
                        LocalModel.ALL_MINILM_L6_V2_Q, onnx, OnnxSettings.defaults(), (network, tokenizer) -> {
                            // What OrtEnvironment's static initializer throws when the native library fails.
                            throw new ExceptionInInitializerError(
                                    new RuntimeException("Failed to load onnx-runtime library"));
                        }))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("all-minilm-l6-v2-q could not be loaded")
                .hasMessageContaining(
                        "ExceptionInInitializerError; caused by java.lang.RuntimeException: Failed to load"
                                + " onnx-runtime library");
    }

    @Test
    void should_say_which_model_could_not_be_loaded_from_a_broken_network_file() {
        byte[] broken = "not an onnx file".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q, broken, OnnxSettings.defaults()))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("all-minilm-l6-v2-q could not be loaded by onnxruntime");
    }

    @Test
    void should_describe_384_dimensions_and_the_254_tokens_of_its_documented_256_word_pieces() {
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(embedder.maxInputTokens()).isEqualTo(254);
        assertThat(embedder.description()).isEqualTo("local all-minilm-l6-v2-q (384 dims, 254-token window)");
    }

    @Test
    void should_embed_the_end_of_long_texts_which_the_stock_model_drops() {
        String start = LongTexts.ofTokens(200, embedder.tokenCounter());
        String flood = start + " and then the bridge collapsed into the flood.";
        String party = start + " and then everyone celebrated with music and cake.";

        List<float[]> ours = embedder.embed(List.of(flood, party));
        AllMiniLmL6V2QuantizedEmbeddingModel stock = new AllMiniLmL6V2QuantizedEmbeddingModel();
        float[] stockFlood = stock.embed(flood).content().vector();
        float[] stockParty = stock.embed(party).content().vector();

        // The trap: LangChain4j's own model sees only the first 126 tokens, so the endings vanish.
        assertThat(stockFlood).containsExactly(stockParty);
        assertThat(Vectors.cosine(ours.get(0), ours.get(1))).isLessThan(0.999);
    }

    @Test
    void should_agree_with_the_stock_model_on_short_texts() {
        String text = "a cat sits on the mat";

        float[] ours = embedder.embed(List.of(text)).get(0);
        float[] stock =
                new AllMiniLmL6V2QuantizedEmbeddingModel().embed(text).content().vector();

        assertThat(Vectors.cosine(ours, stock)).isGreaterThan(0.99999);
    }

    @Test
    void should_embed_every_token_of_a_text_of_exactly_max_input_tokens() {
        String start = LongTexts.ofTokens(embedder.maxInputTokens() - 1, embedder.tokenCounter());
        String apple = start + " apple";
        String stone = start + " stone";
        assertThat(embedder.tokenCounter().count(apple)).isEqualTo(embedder.maxInputTokens());
        assertThat(embedder.tokenCounter().count(stone)).isEqualTo(embedder.maxInputTokens());

        List<float[]> vectors = embedder.embed(List.of(apple, stone));

        assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
    }

    @Test
    void should_refuse_a_text_longer_than_max_input_tokens() {
        String tooLong = LongTexts.ofTokens(embedder.maxInputTokens() + 1, embedder.tokenCounter());

        assertThatThrownBy(() -> embedder.embed(List.of("fine", tooLong)))
                .isInstanceOf(SystemException.class)
                .hasMessage("input 1 of an embedding batch has 255 tokens, more than the 254 that all-minilm-l6-v2-q"
                        + " embeds whole; chunks must be cut to at most that many tokens");
    }

    @Test
    void should_refuse_a_text_without_tokens() {
        assertThatThrownBy(() -> embedder.embed(List.of(" \u200b ")))
                .isInstanceOf(SystemException.class)
                .hasMessageStartingWith("input 0 of an embedding batch has no tokens for all-minilm-l6-v2-q");
    }

    @Test
    void should_count_word_pieces_without_special_tokens_and_without_truncation() {
        assertThat(embedder.tokenCounter().count("hello")).isEqualTo(1);
        assertThat(embedder.tokenCounter().count("Hello, world!")).isEqualTo(4);
        assertThat(embedder.tokenCounter().count("supercalifragilistic")).isGreaterThan(1);
        assertThat(embedder.tokenCounter().count("word ".repeat(2_000))).isEqualTo(2_000);
    }

    @Test
    void should_place_related_sentences_closer_than_unrelated_ones() {
        List<float[]> v =
                embedder.embed(List.of("a cat sits on the mat", "a kitten is on the rug", "stock market crashed"));

        assertThat(Vectors.cosine(v.get(0), v.get(1))).isGreaterThan(Vectors.cosine(v.get(0), v.get(2)) + 0.2);
    }

    @Test
    void should_give_the_same_vectors_when_two_threads_embed_at_once() throws Exception {
        List<List<String>> batches = List.of(texts("alpha", 12), texts("beta", 12));
        List<List<float[]>> sequential = List.of(embedder.embed(batches.get(0)), embedder.embed(batches.get(1)));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[]>>> running = new ArrayList<>();
            for (List<String> batch : batches) {
                running.add(pool.submit(() -> {
                    start.await();
                    return embedder.embed(batch);
                }));
            }
            start.countDown();
            for (int b = 0; b < batches.size(); b++) {
                List<float[]> concurrent = running.get(b).get();
                for (int i = 0; i < concurrent.size(); i++) {
                    assertThat(concurrent.get(i))
                            .containsExactly(sequential.get(b).get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_fail_clearly_after_close() {
        LocalOnnxEmbedder closed = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q);
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.embed(List.of("late")))
                .isInstanceOf(SystemException.class)
                .hasMessage("local embedding model all-minilm-l6-v2-q was used after close");
        assertThatThrownBy(() -> closed.tokenCounter().count("late")).isInstanceOf(SystemException.class);
    }

    private static List<String> texts(String topic, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "note " + i + " about " + topic + ": " + "details ".repeat(i * 10))
                .toList();
    }
}
