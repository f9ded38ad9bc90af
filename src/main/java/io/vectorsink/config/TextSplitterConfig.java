package io.vectorsink.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.protocol.Json;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Where chunk boundaries may fall. Every splitter packs pieces up to the token-based chunk size. */
public sealed interface TextSplitterConfig {
    /**
     * Splits at the first separator that yields pieces small enough, then the next, recursively.
     *
     * @param separators literal strings (already JSON-decoded), tried in order
     * @param keepSeparator whether the separator stays at the start of the following piece
     */
    record Separator(List<String> separators, boolean keepSeparator) implements TextSplitterConfig {
        public Separator {
            // List.copyOf also rejects null elements.
            separators = List.copyOf(separators);
            if (separators.isEmpty()) {
                throw new ConfigException("the separator splitter needs at least one separator");
            }
        }

        public static Separator defaults() {
            return new Separator(List.of("\n\n", "\n", " "), false);
        }

        /**
         * The separator a JSON string literal such as {@code "\n"} (quotes included, as the config writes
         * separators) stands for, if it is one.
         */
        static Optional<String> decode(String literal) {
            try {
                JsonNode decoded = Json.MAPPER.readTree(literal);
                return decoded != null && decoded.isTextual() ? Optional.of(decoded.textValue()) : Optional.empty();
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }
    }

    /** Splits Markdown at headers of level 1 to {@code splitLevel} first, then like the separator splitter. */
    record Markdown(int splitLevel) implements TextSplitterConfig {
        public Markdown {
            if (splitLevel < 1 || splitLevel > 6) {
                throw new ConfigException("split_level must be between 1 and 6");
            }
        }
    }

    /**
     * Splits source code at the language's structural boundaries (classes, functions, blocks) first.
     *
     * @param language one of cpp, go, java, js, php, proto, python, rst, ruby, rust, scala, swift,
     *     markdown, latex, html, sol, kotlin, ts
     */
    record Code(String language) implements TextSplitterConfig {
        /** Every language the code splitter knows; the spec's {@code language} enum lists the same. */
        public static final List<String> LANGUAGES = List.of(
                "cpp",
                "go",
                "java",
                "js",
                "php",
                "proto",
                "python",
                "rst",
                "ruby",
                "rust",
                "scala",
                "swift",
                "markdown",
                "latex",
                "html",
                "sol",
                "kotlin",
                "ts");

        public Code {
            Objects.requireNonNull(language, "language");
            if (!LANGUAGES.contains(language)) {
                throw new ConfigException("language must be one of " + String.join(", ", LANGUAGES));
            }
        }
    }
}
