package io.vectorsink.config;

import java.util.List;

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
            separators = List.copyOf(separators);
        }

        public static Separator defaults() {
            return new Separator(List.of("\n\n", "\n", " "), false);
        }
    }

    /** Splits Markdown at headers of level 1 to {@code splitLevel} first, then like the separator splitter. */
    record Markdown(int splitLevel) implements TextSplitterConfig {}

    /**
     * Splits source code at the language's structural boundaries (classes, functions, blocks) first.
     *
     * @param language one of cpp, go, java, js, php, proto, python, rst, ruby, rust, scala, swift,
     *     markdown, latex, html, sol
     */
    record Code(String language) implements TextSplitterConfig {}
}
