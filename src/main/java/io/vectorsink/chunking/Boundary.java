package io.vectorsink.chunking;

import java.util.List;

/**
 * One kind of place where text may be split, such as a literal separator, a line that starts a declaration, or
 * a Markdown header. A boundary yields <em>cuts</em>: ranges {@code [cutStart, cutEnd)} in text order. With
 * keepSeparator the next piece starts at {@code cutStart} (the separator leads it); otherwise the cut's text is
 * left between the pieces. Structural boundaries yield empty cuts at a line or tag start, so both modes agree.
 */
sealed interface Boundary {

    /** Cuts inside {@code [from, to)}. Cuts may leave empty pieces (a separator at the start); those are dropped. */
    Cuts scan(String text, int from, int to);

    /** A pull iterator over cuts, so that a 20 MB text never materialises millions of them at once. */
    abstract class Cuts {
        int cutStart;
        int cutEnd;

        /** Moves to the next cut, returning false when there is none. */
        abstract boolean advance();
    }

    /**
     * The last resort: cut anywhere between characters. The splitter recognises it and cuts by token count
     * itself; as a scanner it finds no cuts.
     */
    record Characters() implements Boundary {
        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                @Override
                boolean advance() {
                    return false;
                }
            };
        }
    }

    /** Every occurrence of a literal, non-empty separator. */
    record Literal(String separator) implements Boundary {
        public Literal {
            if (separator.isEmpty()) {
                throw new IllegalArgumentException("a literal separator must not be empty");
            }
        }

        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                private int pos = from;

                @Override
                boolean advance() {
                    while (true) {
                        int i = Text.indexOf(text, separator, pos, to);
                        if (i < 0) {
                            return false;
                        }
                        int end = i + separator.length();
                        if (Text.splitsSurrogatePair(text, i) || Text.splitsSurrogatePair(text, end)) {
                            pos = i + 1; // a separator that is half an emoji must not cut the emoji
                            continue;
                        }
                        pos = end;
                        cutStart = i;
                        cutEnd = end;
                        return true;
                    }
                }
            };
        }
    }

    /**
     * Lines whose first word (after indentation and any number of {@code modifiers}) is one of {@code keywords},
     * e.g. {@code public static final class}. A keyword ending in an identifier character must be followed by a
     * non-identifier character ("if" matches "if (" but not "iffy"). The cut moves up over directly preceding
     * lines that start with one of {@code attached} (annotations, decorators, doc comments), so that those stay
     * with the declaration they belong to.
     */
    record LineKeyword(List<String> modifiers, List<String> keywords, List<String> attached) implements Boundary {
        public LineKeyword {
            modifiers = List.copyOf(modifiers);
            keywords = List.copyOf(keywords);
            attached = List.copyOf(attached);
        }

        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                private int pos = from;
                private int lastMatchedLine = from - 1;
                private int lastCut = from;

                @Override
                boolean advance() {
                    while (true) {
                        int newline = Text.indexOf(text, '\n', pos, to);
                        if (newline < 0 || newline + 1 >= to) {
                            return false;
                        }
                        int lineStart = newline + 1;
                        pos = lineStart;
                        if (!matches(text, indentEnd(text, lineStart, to), to)) {
                            continue;
                        }
                        int cut = moveAboveAttached(text, lineStart, from, lastMatchedLine);
                        lastMatchedLine = lineStart;
                        if (cut > lastCut) {
                            lastCut = cut;
                            cutStart = cut;
                            cutEnd = cut;
                            return true;
                        }
                    }
                }
            };
        }

        private boolean matches(String text, int start, int to) {
            int i = start;
            while (true) {
                for (String keyword : keywords) {
                    if (startsWithWord(text, i, to, keyword)) {
                        return true;
                    }
                }
                int next = afterModifier(text, i, to);
                if (next < 0) {
                    return false;
                }
                i = next;
            }
        }

        private int afterModifier(String text, int i, int to) {
            for (String modifier : modifiers) {
                int end = i + modifier.length();
                if (end < to && text.startsWith(modifier, i) && isBlank(text.charAt(end))) {
                    return indentEnd(text, end, to);
                }
            }
            return -1;
        }

        private int moveAboveAttached(String text, int lineStart, int from, int lastMatchedLine) {
            int cut = lineStart;
            while (!attached.isEmpty() && cut > from) {
                int previousStart = lineStartBefore(text, cut - 1, from);
                if (previousStart <= lastMatchedLine) {
                    break; // never climb over the previous declaration
                }
                int first = indentEnd(text, previousStart, cut - 1);
                if (first >= cut - 1 || !startsWithAny(text, first, attached)) {
                    break;
                }
                cut = previousStart;
            }
            return cut;
        }
    }

    /** HTML start tags such as {@code <div} or {@code <P>} (case-insensitive), wherever they occur. */
    record Tag(List<String> names) implements Boundary {
        public Tag {
            names = List.copyOf(names);
        }

        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                private int pos = from;

                @Override
                boolean advance() {
                    while (true) {
                        int i = Text.indexOf(text, '<', pos, to);
                        if (i < 0) {
                            return false;
                        }
                        pos = i + 1;
                        if (i > from && isTag(text, i + 1, to)) {
                            cutStart = i;
                            cutEnd = i;
                            return true;
                        }
                    }
                }
            };
        }

        private boolean isTag(String text, int i, int to) {
            for (String name : names) {
                int end = i + name.length();
                if (end <= to
                        && text.regionMatches(true, i, name, 0, name.length())
                        && (end == to || !Text.isIdentifierChar(text.charAt(end)))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Lines made of one repeated adornment character ({@code ---}, {@code ====}, {@code ***}): Markdown thematic
     * breaks and setext underlines, reStructuredText section adornments. For characters in {@code titleChars}
     * the line is an underline, so the cut goes before the title line above it (and before a matching overline).
     */
    record RuleLine(String ruleChars, String titleChars) implements Boundary {
        private static final int MIN_RUN = 3;

        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                private int lineStart = from;
                private int previousStart = -1;
                private char previousRule;
                private boolean previousBlank = true;
                private int beforePreviousStart = -1;
                private char beforePreviousRule;
                private int lastCut = from;

                @Override
                boolean advance() {
                    while (lineStart < to) {
                        int newline = Text.indexOf(text, '\n', lineStart, to);
                        int lineEnd = newline < 0 ? to : newline;
                        char rule = ruleChar(text, lineStart, lineEnd);
                        int cut = -1;
                        if (rule != 0) {
                            cut = lineStart;
                            if (titleChars.indexOf(rule) >= 0
                                    && previousStart >= 0
                                    && !previousBlank
                                    && previousRule == 0) {
                                cut = beforePreviousStart >= 0 && beforePreviousRule == rule
                                        ? beforePreviousStart
                                        : previousStart;
                            }
                        }
                        beforePreviousStart = previousStart;
                        beforePreviousRule = previousRule;
                        previousStart = lineStart;
                        previousRule = rule;
                        previousBlank = Text.skipWhitespace(text, lineStart, lineEnd) == lineEnd;
                        lineStart = newline < 0 ? to : newline + 1;
                        if (cut > lastCut) {
                            lastCut = cut;
                            cutStart = cut;
                            cutEnd = cut;
                            return true;
                        }
                    }
                    return false;
                }
            };
        }

        private char ruleChar(String text, int start, int end) {
            int i = indentEnd(text, start, end);
            if (i - start > 3 || i >= end || ruleChars.indexOf(text.charAt(i)) < 0) {
                return 0;
            }
            char c = text.charAt(i);
            int runEnd = i;
            while (runEnd < end && text.charAt(runEnd) == c) {
                runEnd++;
            }
            boolean onlyTrailingSpace = Text.skipWhitespace(text, runEnd, end) == end;
            return runEnd - i >= MIN_RUN && onlyTrailingSpace ? c : 0;
        }
    }

    /**
     * Markdown structure outside fenced code blocks: ATX headers ({@code ## Title}) of {@code minLevel} to
     * {@code maxLevel}, or (with {@code fences}) the start of a fenced code block and the line after its end,
     * so that a code block stays whole where it can. Fence tracking starts at {@code from}, which is correct
     * because ranges handed to this boundary start at the text's start or at an earlier header cut.
     */
    record Markdown(int minLevel, int maxLevel, boolean fences) implements Boundary {
        static Markdown headers(int minLevel, int maxLevel) {
            return new Markdown(minLevel, maxLevel, false);
        }

        static Markdown codeFences() {
            return new Markdown(0, 0, true);
        }

        @Override
        public Cuts scan(String text, int from, int to) {
            return new Cuts() {
                private int lineStart = from;
                private char fenceChar;
                private int fenceLength;
                private int lastCut = from;

                @Override
                boolean advance() {
                    while (lineStart < to) {
                        int newline = Text.indexOf(text, '\n', lineStart, to);
                        int lineEnd = newline < 0 ? to : newline;
                        int line = lineStart;
                        lineStart = newline < 0 ? to : newline + 1;
                        int cut = classify(text, line, lineEnd, lineStart);
                        if (cut > lastCut && cut < to) {
                            lastCut = cut;
                            cutStart = cut;
                            cutEnd = cut;
                            return true;
                        }
                    }
                    return false;
                }

                /** Updates the fence state for one line and returns where to cut for it, or -1. */
                private int classify(String text, int line, int lineEnd, int nextLine) {
                    int i = indentEnd(text, line, lineEnd);
                    if (i - line > 3) {
                        return -1; // indented code: never a header or a fence
                    }
                    int run = runLength(text, i, lineEnd);
                    char c = i < lineEnd ? text.charAt(i) : 0;
                    if (fenceLength > 0) {
                        boolean closes = c == fenceChar
                                && run >= fenceLength
                                && Text.skipWhitespace(text, i + run, lineEnd) == lineEnd;
                        if (closes) {
                            fenceLength = 0;
                            return fences ? nextLine : -1;
                        }
                        return -1;
                    }
                    if ((c == '`' || c == '~') && run >= 3) {
                        // A backtick fence's info string cannot contain backticks (CommonMark 4.5).
                        if (c == '`' && Text.indexOf(text, '`', i + run, lineEnd) >= 0) {
                            return -1;
                        }
                        fenceChar = c;
                        fenceLength = run;
                        return fences ? line : -1;
                    }
                    if (!fences && c == '#' && run >= minLevel && run <= maxLevel) {
                        int after = i + run;
                        if (after == lineEnd || text.charAt(after) == ' ' || text.charAt(after) == '\t') {
                            return line;
                        }
                    }
                    return -1;
                }
            };
        }

        private static int runLength(String text, int i, int end) {
            if (i >= end) {
                return 0;
            }
            char c = text.charAt(i);
            int j = i;
            while (j < end && text.charAt(j) == c) {
                j++;
            }
            return j - i;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** First offset at or after {@code i} (before {@code to}) that is not a space or tab. */
    private static int indentEnd(String text, int i, int to) {
        int j = i;
        while (j < to && isBlank(text.charAt(j))) {
            j++;
        }
        return j;
    }

    /** Start of the line that ends at {@code newline} (exclusive), not before {@code lowerBound}. */
    private static int lineStartBefore(String text, int newline, int lowerBound) {
        int i = newline;
        while (i > lowerBound && text.charAt(i - 1) != '\n') {
            i--;
        }
        return i;
    }

    private static boolean startsWithWord(String text, int i, int to, String word) {
        int end = i + word.length();
        if (end > to || !text.startsWith(word, i)) {
            return false;
        }
        boolean needsBoundary = Text.isIdentifierChar(word.charAt(word.length() - 1));
        return !needsBoundary || end == to || !Text.isIdentifierChar(text.charAt(end));
    }

    private static boolean startsWithAny(String text, int i, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (text.startsWith(prefix, i)) {
                return true;
            }
        }
        return false;
    }
}
