package io.vectorsink.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration the connector uses for protocol messages, configs and HTTP bodies. */
public final class Json {
    /**
     * Jackson's default caps a string at 20M characters and nesting at 1,000 levels. A record may
     * carry a larger text value, so strings may be up to 512M characters; deep nesting and field names keep
     * Jackson's bounds and fails with a clear per-line error instead of a stack overflow.
     */
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(512 * 1024 * 1024)
            .maxNestingDepth(1_000)
            .maxNumberLength(10_000)
            .maxNameLength(50_000) // Jackson's default, stated because MessageReader's error names it
            .build();

    private static final JsonMapper PROTOCOL = JsonMapper.builder(
                    JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build())
            // Two values for one key would make "which one did we store?" a guess: reject the line.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    public static final ObjectMapper MAPPER = PROTOCOL;

    /**
     * For the answers of embedding providers and stores, which carry vectors: as {@link #MAPPER}, but a number with a
     * fraction is read as a double by Jackson's fast parser, not as a {@code BigDecimal}. An answer of 64
     * vectors of 256 numbers took 5.5 ms to read with BigDecimals in the C1-compiled code the Docker image
     * runs, and 1.8 ms so (docs/benchmarks.md, "Start-up and JIT compilers"); an OpenAI answer carries
     * 32 vectors of 1,536. A vector component is a float32, which a double holds exactly.
     */
    public static final ObjectMapper ANSWERS = PROTOCOL.rebuild()
            .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private Json() {}
}
