package io.vectorsink.chunking;

/**
 * Offset-based string helpers. The splitter works on {@code [from, to)} ranges of the record text instead of
 * substrings, so that a 20 MB text is never copied piece by piece just to look at it.
 */
final class Text {
    private Text() {}

    /** First offset in {@code [from, to)} that is not whitespace (as {@link String#strip()} sees it), or to. */
    static int skipWhitespace(String text, int from, int to) {
        int i = from;
        while (i < to) {
            int cp = text.codePointAt(i);
            if (!Character.isWhitespace(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return to;
    }

    /** Offset just after the last non-whitespace code point in {@code [from, to)}, or from. */
    static int trimEnd(String text, int from, int to) {
        int i = to;
        while (i > from) {
            int cp = text.codePointBefore(i);
            if (!Character.isWhitespace(cp)) {
                return i;
            }
            i -= Character.charCount(cp);
        }
        return from;
    }

    /** The substring of {@code [from, to)} without leading and trailing whitespace (may be empty). */
    static String strip(String text, int from, int to) {
        int start = skipWhitespace(text, from, to);
        return text.substring(start, trimEnd(text, start, to));
    }

    /**
     * Index of {@code needle} in {@code [from, to)}, or -1. Unlike {@link String#indexOf(String, int)} it never
     * looks past {@code to}: scanning to the next occurrence far outside a small range would make splitting
     * many small ranges of one large text quadratic.
     */
    static int indexOf(String text, String needle, int from, int to) {
        int last = to - needle.length();
        char first = needle.charAt(0);
        for (int i = from; i <= last; i++) {
            if (text.charAt(i) == first && text.startsWith(needle, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of {@code c} in {@code [from, to)}, or -1. */
    static int indexOf(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code i} falls between the two halves of a surrogate pair. */
    static boolean splitsSurrogatePair(String text, int i) {
        return i > 0
                && i < text.length()
                && Character.isHighSurrogate(text.charAt(i - 1))
                && Character.isLowSurrogate(text.charAt(i));
    }

    /** {@code i}, moved back by one char if it would cut a surrogate pair in half. */
    static int alignToCodePoint(String text, int i) {
        return splitsSurrogatePair(text, i) ? i - 1 : i;
    }

    /**
     * Whether a cut at {@code i} keeps every user-perceived character whole, approximating Unicode grapheme
     * clusters (UAX #29) for the cases that matter when text is cut blindly: surrogate pairs, combining marks,
     * variation selectors, emoji modifiers and tags, zero-width-joiner sequences (👩‍💻), flag pairs, CR LF.
     * java.text.BreakIterator in Java 17 does not join emoji ZWJ sequences, hence this small rule set.
     */
    static boolean isClusterBoundary(String text, int i) {
        if (i <= 0 || i >= text.length()) {
            return true;
        }
        if (splitsSurrogatePair(text, i)) {
            return false;
        }
        int prev = text.codePointBefore(i);
        int next = text.codePointAt(i);
        if (prev == '\r' && next == '\n') {
            return false;
        }
        if (prev == ZWJ || extendsPrevious(next)) {
            return false;
        }
        if (isRegionalIndicator(prev) && isRegionalIndicator(next)) {
            // Flags are pairs of regional indicators: a cut is allowed only after an even number of them.
            int count = 0;
            int j = i;
            while (j > 0 && isRegionalIndicator(text.codePointBefore(j))) {
                count++;
                j -= Character.charCount(text.codePointBefore(j));
            }
            return count % 2 == 0;
        }
        return true;
    }

    private static final int ZWJ = 0x200D;

    private static boolean extendsPrevious(int cp) {
        if (cp == ZWJ
                || (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors (emoji vs text presentation)
                || (cp >= 0x1F3FB && cp <= 0x1F3FF) // emoji skin-tone modifiers
                || (cp >= 0xE0020 && cp <= 0xE007F) // tag characters (subdivision flags)
                || (cp >= 0xE0100 && cp <= 0xE01EF)) { // variation selectors supplement
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isRegionalIndicator(int cp) {
        return cp >= 0x1F1E6 && cp <= 0x1F1FF;
    }

    /** Letters, digits, '_' and '$': characters that continue an identifier in the supported languages. */
    static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
