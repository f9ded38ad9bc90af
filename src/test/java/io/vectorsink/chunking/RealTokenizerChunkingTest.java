package io.vectorsink.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.config.TextSplitterConfig.Code;
import io.vectorsink.config.TextSplitterConfig.Markdown;
import io.vectorsink.config.TextSplitterConfig.Separator;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The size guarantee with a real subword tokenizer (all-MiniLM-L6-v2's WordPiece, shipped in the LangChain4j
 * model jar), whose counts of a concatenation differ from the sums of its parts.
 */
class RealTokenizerChunkingTest {
    private static final String[] FRAGMENTS = {
        "The ",
        "quick ",
        "brown ",
        "fox ",
        "jumps. ",
        "Überraschung ",
        "naïve ",
        "日本語のテキスト",
        "😀",
        "👩\u200D💻 ",
        "e\u0301",
        "\n",
        "\n\n",
        "anti-disestablishmentarianism ",
        "x=1;",
        "http://example.com/a/b?c=d ",
        "(parenthetical) ",
        "\u2028",
        "don't ",
        "3.14159 ",
        "# Header\n",
        "    def f(x):\n",
        "class A:\n",
    };

    private static HuggingFaceTokenizer tokenizer;
    private static TokenCounter counter;

    @BeforeAll
    static void loadTokenizer() throws IOException {
        try (InputStream json = RealTokenizerChunkingTest.class
                .getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            assertThat(json).as("MiniLM tokenizer on the test classpath").isNotNull();
            tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "false"));
        }
        counter = text -> tokenizer.encode(text, false, false).getIds().length;
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static String mixedText() {
        Random random = new Random(3L);
        StringBuilder text = new StringBuilder();
        while (text.length() < 100_000) {
            text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            if (random.nextInt(2_000) == 0) {
                text.append("abcdefghij".repeat(300)); // a very long word: many word pieces
            }
        }
        return text.toString();
    }

    static Stream<Arguments> splitters() {
        return Stream.of(
                Arguments.of(Separator.defaults(), 126, 16),
                Arguments.of(Separator.defaults(), 510, 0),
                Arguments.of(new Markdown(2), 126, 0),
                Arguments.of(new Code("python"), 64, 8));
    }

    @ParameterizedTest(name = "{0}, chunk size {1}, overlap {2}")
    @MethodSource("splitters")
    void should_never_exceed_chunk_size_when_counted_by_a_subword_tokenizer(
            TextSplitterConfig splitter, int chunkSize, int overlap) {
        List<String> chunks = new Chunker(splitter, chunkSize, overlap, counter).split(mixedText());

        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(chunks.stream().mapToInt(counter::count).max().orElseThrow()).isLessThanOrEqualTo(chunkSize);
    }
}
