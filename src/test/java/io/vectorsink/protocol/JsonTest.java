package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void should_read_the_numbers_of_provider_answers_as_doubles_and_of_everything_else_as_big_decimals()
            throws Exception {
        String json = "{\"embedding\":[0.1,-2.5e-3,7]}";

        JsonNode answer = Json.ANSWERS.readTree(json).path("embedding");
        JsonNode message = Json.MAPPER.readTree(json).path("embedding");

        assertThat(answer.get(0).isDouble()).isTrue();
        assertThat(answer.get(1).floatValue()).isEqualTo(-2.5e-3f);
        assertThat(answer.get(2).isInt()).isTrue();
        assertThat(message.get(0).isBigDecimal()).isTrue();
    }

    @Test
    void should_give_back_every_float32_from_the_decimals_providers_print() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(value)) {
                continue;
            }
            // The shortest decimal (Java, numpy, Go) and the 9 significant digits C's printf gives.
            for (String decimal : new String[] {Float.toString(value), String.format(Locale.ROOT, "%.8e", value)}) {
                float read = Json.ANSWERS.readTree("[" + decimal + "]").get(0).floatValue();
                assertThat(read).as(decimal).isEqualTo(value);
            }
        }
    }

    @Test
    void should_refuse_answers_with_a_key_twice_or_trailing_tokens() {
        assertThatThrownBy(() -> Json.ANSWERS.readTree("{\"data\":[],\"data\":[]}"))
                .hasMessageContaining("Duplicate field 'data'");
        assertThatThrownBy(() -> Json.ANSWERS.readTree("{\"data\":[]} {}")).hasMessageContaining("Trailing token");
        assertThat(Json.ANSWERS.getFactory().streamReadConstraints().getMaxStringLength())
                .isEqualTo(Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength())
                .isEqualTo(512 * 1024 * 1024);
    }
}
