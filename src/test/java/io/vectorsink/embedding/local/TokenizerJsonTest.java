package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenizerJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void should_find_the_128_token_trap_in_the_shipped_minilm_tokenizer() throws IOException {
        JsonNode shipped = MAPPER.readTree(resource(LocalModel.ALL_MINILM_L6_V2_Q.tokenizerResource()));

        assertThat(shipped.at("/truncation/max_length").asInt()).isEqualTo(128);
    }

    @ParameterizedTest
    @EnumSource(LocalModel.class)
    void should_truncate_only_at_the_given_limit_and_never_pad(LocalModel model) throws IOException {
        byte[] shipped = resource(model.tokenizerResource());

        JsonNode lifted = MAPPER.readTree(TokenizerJson.withTruncation(shipped, 512));

        assertThat(lifted.at("/truncation/max_length").asInt()).isEqualTo(512);
        assertThat(lifted.get("padding").isNull()).isTrue();
        assertThat(lifted.get("model")).isEqualTo(MAPPER.readTree(shipped).get("model"));
        assertThat(lifted.get("normalizer")).isEqualTo(MAPPER.readTree(shipped).get("normalizer"));
    }

    @Test
    void should_reject_a_file_that_is_not_a_tokenizer() {
        assertThatThrownBy(() -> TokenizerJson.withTruncation("[1, 2]".getBytes(StandardCharsets.UTF_8), 512))
                .isInstanceOf(IOException.class)
                .hasMessage("not a HuggingFace tokenizer.json: no top-level model object");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TokenizerJsonTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
