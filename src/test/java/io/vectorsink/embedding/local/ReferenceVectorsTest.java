package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The embedder, running the chunker's token ids itself, gives the vectors the connector gave when it handed
 * texts to LangChain4j's encoder (with the tokenizer's truncation lifted, as it was): the same chunks of a
 * corpus of short and long texts (this repository's own docs, chunked by the real chunker with the model's
 * counter, handed over in calls of 128 as the pipeline does) reach cosine at least 0.9999.
 */
class ReferenceVectorsTest {
    @ParameterizedTest
    @EnumSource(LocalModel.class)
    void should_give_the_vectors_of_langchain4js_encoder_for_short_and_long_chunks(LocalModel model) throws Exception {
        try (LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(model)) {
            List<Chunk> chunks = corpus(embedder);
            assertThat(chunks).hasSizeGreaterThan(40);
            assertThat(chunks).anySatisfy(c -> assertThat(c.tokens().count()).isLessThan(20));
            assertThat(chunks).anySatisfy(c -> assertThat(c.tokens().count()).isGreaterThan(200));

            List<float[]> batched = new ArrayList<>();
            for (int from = 0; from < chunks.size(); from += 128) {
                batched.addAll(embedder.embedChunks(chunks.subList(from, Math.min(chunks.size(), from + 128))));
            }

            OneAtATime reference = OneAtATime.load(model);
            double lowest = 1;
            for (int i = 0; i < chunks.size(); i++) {
                float[] expected = reference
                        .embed(TextSegment.from(chunks.get(i).text()))
                        .content()
                        .vector();
                lowest = Math.min(lowest, Vectors.cosine(batched.get(i), expected));
            }
            assertThat(lowest).isGreaterThanOrEqualTo(0.9999);
        }
    }

    /** Chunks of 1 to the model's window: each doc whole when it fits, paragraphs, and windows of them. */
    private static List<Chunk> corpus(LocalOnnxEmbedder embedder) throws IOException {
        Chunker chunker = new Chunker(
                TextSplitterConfig.Separator.defaults(), embedder.maxInputTokens(), 16, embedder.tokenCounter());
        Chunker small = new Chunker(TextSplitterConfig.Separator.defaults(), 24, 0, embedder.tokenCounter());
        List<Chunk> chunks = new ArrayList<>();
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            for (Path doc : docs.filter(Files::isRegularFile).sorted().toList()) {
                String text = Files.readString(doc, StandardCharsets.UTF_8);
                chunks.addAll(chunker.splitMeasured(text).stream().limit(6).toList());
                chunks.addAll(small.splitMeasured(text).stream().limit(6).toList());
            }
        }
        return chunks;
    }

    /** The embedder as it was: LangChain4j's encoder, one text per ONNX run, truncation lifted to 512. */
    private static final class OneAtATime extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        private OneAtATime(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        static OneAtATime load(LocalModel model) throws Exception {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession session =
                    environment.createSession(resource(model.onnxResource()), new OrtSession.SessionOptions());
            byte[] tokenizer = TokenizerJson.withTruncation(resource(model.tokenizerResource()), 512);
            PoolingMode pooling = model.pooling() == LocalModel.Pooling.CLS ? PoolingMode.CLS : PoolingMode.MEAN;
            return new OneAtATime(
                    new OnnxBertBiEncoder(environment, session, new ByteArrayInputStream(tokenizer), pooling));
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        private static byte[] resource(String name) throws IOException {
            try (InputStream in = OneAtATime.class.getClassLoader().getResourceAsStream(name)) {
                return in.readAllBytes();
            }
        }
    }
}
