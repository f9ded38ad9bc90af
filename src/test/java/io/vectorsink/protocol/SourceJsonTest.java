package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SourceJsonTest {
    @Test
    void should_keep_every_number_literal_and_write_it_back_as_it_came() throws Exception {
        String text = "{\"a\":100.0,\"b\":1700000000.000,\"c\":-0.0,\"d\":-0,\"e\":1E2,\"f\":1e-7,\"g\":1e400,"
                + "\"h\":7,\"i\":9223372036854775807,\"j\":123456789012345678901234567890,\"k\":[0.50,{\"x\":2.0}]}";
        JsonNode tree = SourceJson.read(text);
        assertThat(tree.toString()).isEqualTo(text);
        assertThat(tree.get("a").asText()).isEqualTo("100.0");
        assertThat(tree.get("c").asText()).isEqualTo("-0.0");
        assertThat(tree.get("d").asText()).isEqualTo("-0");
        assertThat(tree.get("h").isInt()).isTrue();
        assertThat(tree.get("i").isLong()).isTrue();
        assertThat(tree.get("j").isBigInteger()).isTrue();
    }

    @Test
    void should_convert_a_kept_literal_like_any_number() throws Exception {
        JsonNode n = SourceJson.read("[0.5,-0.25,1.7E12,100.0,1e400,2.5]");
        assertThat(n.get(0).floatValue()).isEqualTo(0.5f);
        assertThat(n.get(1).floatValue()).isEqualTo(-0.25f);
        assertThat(n.get(1).doubleValue()).isEqualTo(-0.25);
        assertThat(n.get(1).asDouble()).isEqualTo(-0.25);
        assertThat(n.get(2).canConvertToLong()).isTrue();
        assertThat(n.get(2).asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(n.get(3).canConvertToExactIntegral()).isTrue();
        assertThat(n.get(3).shortValue()).isEqualTo((short) 100);
        assertThat(n.get(3).intValue()).isEqualTo(100);
        assertThat(n.get(4).canConvertToLong()).isFalse();
        assertThat(n.get(4).decimalValue()).isEqualByComparingTo(new BigDecimal("1e400"));
        assertThat(n.get(5).canConvertToExactIntegral()).isFalse();
        assertThat(n.get(5).isNumber()).isTrue();
    }

    @Test
    void should_refuse_what_the_mapper_refuses() {
        assertThatThrownBy(() -> SourceJson.read("{\"a\":1} x")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> SourceJson.read("{\"a\":1,\"a\":2}"))
                .isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field");
        assertThatThrownBy(() -> SourceJson.read("{\"a\":")).isInstanceOf(JsonProcessingException.class);
    }
}
