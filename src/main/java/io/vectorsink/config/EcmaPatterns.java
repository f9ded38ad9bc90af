package io.vectorsink.config;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;

/**
 * The spec's {@code pattern}s read as the ECMA-262 expressions JSON Schema says they are, as Airbyte's form
 * (JavaScript) runs them, on java.util.regex. The validator's default compiles them unchanged, and two
 * readings differ where it matters: Java's {@code $} also matches before a final line break, so
 * {@code "key\n"} passed {@code ^[!-~]+$} and an endpoint {@code "http://host\n"} slipped past the https
 * rule; and Java's {@code \s} is ASCII only, where ECMA's takes every Unicode space, so an ideographic
 * space passed as "not blank". Everything else our patterns use means the same in both. (Joni's
 * "ECMAScript" syntax, the validator's other choice, reads {@code $} as {@code \Z}: the same hole.)
 */
final class EcmaPatterns implements RegularExpressionFactory {
    static final EcmaPatterns INSTANCE = new EcmaPatterns();

    /** ECMA-262's WhiteSpace and LineTerminator code points, which its {@code \s} stands for. */
    private static final String ECMA_SPACES =
            "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

    /** The end of the text and nothing else: ECMA's {@code $} without the multiline flag. */
    private static final String END = "(?![\\s\\S])";

    private EcmaPatterns() {}

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(toJava(regex));
        return value -> pattern.matcher(value).find(); // JSON Schema's pattern is unanchored
    }

    /** {@code regex} with ECMA's {@code $} and {@code \s}/{@code \S} spelled for java.util.regex. */
    static String toJava(String regex) {
        StringBuilder java = new StringBuilder(regex.length() + 16);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(++i);
                if (next == 's') {
                    java.append(inClass ? ECMA_SPACES : "[" + ECMA_SPACES + "]");
                } else if (next == 'S' && !inClass) {
                    java.append("[^").append(ECMA_SPACES).append(']');
                } else if (next == 'S') {
                    throw new IllegalArgumentException("\\S inside a character class is not supported: " + regex);
                } else {
                    java.append(c).append(next);
                }
            } else if (c == '[' && !inClass) {
                inClass = true;
                java.append(c);
            } else if (c == ']' && inClass) {
                inClass = false;
                java.append(c);
            } else if (c == '$' && !inClass) {
                java.append(END);
            } else {
                java.append(c);
            }
        }
        return java.toString();
    }
}
