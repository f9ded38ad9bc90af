package io.vectorsink.error;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret values of the running configuration, and the one scrubber every output goes through: the
 * protocol messages on stdout ({@code OutputWriter}), stderr ({@link ScrubbingOutputStream}, which
 * carries the library and retry logs) and the body snippets of failed answers. A secret is removed in
 * every form a server or a library may echo it:
 *
 * <ul>
 *   <li>as is, and JSON-escaped ({@code \/}, {@code \u002f}, escapes of escapes), URL-encoded ({@code
 *       %2F}, {@code +} for a space, encodings of encodings) and HTML-escaped ({@code &#x2F;}), in any mix;
 *   <li>base64-encoded (standard and URL-safe alphabets, with or without padding);
 *   <li>in parts: the credentials of a header value ({@code Bearer <token>} gives {@code <token>}), the
 *       password of a {@code user:password} pair, each line of a secret that spans lines, and
 *       what a base64 credential decodes to ({@code Basic <base64(user:pass)>} and {@code ApiKey
 *       <base64(id:key)>} give {@code user:pass} and {@code pass}, {@code id:key} and {@code key}).
 * </ul>
 */
public final class Secrets {
    /**
     * Values shorter than this are removed only where they stand alone, not inside a longer word or number:
     * removed everywhere, a password such as {@code pw1} would mask pieces of ordinary text.
     */
    private static final int STANDALONE_BELOW = 4;

    /** Before and after a value that stands alone: no letter or digit. */
    private static final String ALONE_BEFORE = "(?<![\\p{L}\\p{N}])";

    private static final String ALONE_AFTER = "(?![\\p{L}\\p{N}])";

    private static final Pattern SCHEME_AND_CREDENTIALS = Pattern.compile("^[A-Za-z][A-Za-z0-9._-]*\\s+(\\S.*)$");
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/_-]{8,}={0,2}$");

    /**
     * Longer values are found piece by piece, each piece at most this long: one pattern of thousands of
     * characters (an OIDC access token) overflows the regular-expression engine's stack, when it compiles
     * and on threads with small stacks when it matches. Pieces are of equal length, 32 characters at least.
     */
    private static final int MAX_PIECE = 64;

    /** Every value to remove, mapped to the pattern that finds it in any escaped form. */
    private static final Map<String, Pattern> FORMS = new LinkedHashMap<>();

    /** The patterns of every registered value. */
    private static volatile List<Pattern> patterns = List.of();

    private Secrets() {}

    /**
     * Registers a secret value (a key, a token, a password, a whole header value) with every value
     * derived from it; blank values are ignored, and very short ones are removed where they stand alone.
     */
    public static synchronized void register(String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        for (String derived : derived(value)) {
            for (String piece : pieces(derived)) {
                FORMS.computeIfAbsent(piece, Secrets::anyForm);
            }
        }
        patterns = List.copyOf(FORMS.values());
    }

    /**
     * {@code text} with every registered secret, in every form, replaced by {@code ****}. Every pattern is
     * matched against the text as given and each stretch that any of them covers (overlapping or adjacent
     * matches together) becomes one {@code ****}: the pieces of a long secret, found at different places
     * for the secret and for a header value that holds it, cover it whole.
     */
    public static String redact(String text) {
        List<Pattern> current = patterns;
        if (text == null || current.isEmpty()) {
            return text;
        }
        BitSet covered = new BitSet(text.length());
        for (Pattern pattern : current) {
            Matcher matcher = pattern.matcher(text);
            // Every match, overlapping ones too: a piece of a secret with a repeating part may also match a
            // little before its own place, and the match at its place must not be skipped for it.
            for (int from = 0; from < text.length() && matcher.find(from); from = matcher.start() + 1) {
                covered.set(matcher.start(), matcher.end());
            }
        }
        if (covered.isEmpty()) {
            return text;
        }
        StringBuilder result = new StringBuilder(text.length());
        int from = 0;
        for (int start = covered.nextSetBit(0); start >= 0; start = covered.nextSetBit(from)) {
            result.append(text, from, start).append("****");
            from = covered.nextClearBit(start);
        }
        return result.append(text, from, text.length()).toString();
    }

    /** {@code value} cut into pieces of equal length, none longer than {@link #MAX_PIECE} nor cutting a character. */
    private static List<String> pieces(String value) {
        int count = (value.length() + MAX_PIECE - 1) / MAX_PIECE;
        if (count <= 1) {
            return List.of(value);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= count; i++) {
            int end = (int) ((long) value.length() * i / count);
            if (end < value.length() && Character.isLowSurrogate(value.charAt(end))) {
                end--;
            }
            pieces.add(value.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /**
     * More characters than any registered secret takes in any of its escaped or encoded forms (a key of a
     * few hundred characters, each written as {@code \\u002F} at worst): what a text cut at an arbitrary
     * place must lose or keep back, so that a secret cut in two there is never shown in part.
     */
    public static final int LONGEST_FORM_CHARS = 8 * 1024;

    /**
     * The start of {@code text}, a text cut at an arbitrary place (the first bytes of a longer body), that
     * holds no part of a secret cut in two by that place: its last {@link #LONGEST_FORM_CHARS} characters are
     * dropped, and so is a secret found whole across the new end. Not yet redacted.
     */
    public static String startOfCutText(String text) {
        return text.substring(0, safeCut(text, text.length() - LONGEST_FORM_CHARS));
    }

    /**
     * The largest index of {@code text} at most {@code limit} that cuts no registered secret in two, in any of
     * its forms, and no character in two: where a text too long to hold whole can be cut into pieces that
     * are scrubbed one by one. Only secrets found whole in {@code text} are seen, so the caller keeps back a
     * tail longer than any form of a secret can be.
     */
    public static int safeCut(String text, int limit) {
        int cut = Math.max(0, Math.min(limit, text.length()));
        boolean moved = true;
        while (moved && cut > 0) {
            moved = false;
            for (Pattern pattern : patterns) {
                Matcher matcher = pattern.matcher(text);
                for (int from = 0;
                        from < cut && matcher.find(from) && matcher.start() < cut;
                        from = matcher.start() + 1) {
                    if (matcher.end() > cut) {
                        cut = matcher.start();
                        moved = true;
                        break;
                    }
                }
            }
        }
        if (cut > 0 && cut < text.length() && Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return cut;
    }

    /** For tests: forget every registered value. */
    public static synchronized void clear() {
        FORMS.clear();
        patterns = List.of();
    }

    /** {@code value}, its base64 forms, and the parts of it that are secrets on their own. */
    private static List<String> derived(String value) {
        List<String> values = new ArrayList<>();
        addWithParts(value.strip(), values);
        List<String> encoded = new ArrayList<>();
        for (String each : values) {
            byte[] bytes = each.getBytes(StandardCharsets.UTF_8);
            encoded.add(unpadded(Base64.getEncoder().encodeToString(bytes)));
            encoded.add(unpadded(Base64.getUrlEncoder().encodeToString(bytes)));
        }
        values.addAll(encoded);
        values.removeIf(String::isEmpty);
        return values.stream().distinct().toList();
    }

    private static void addWithParts(String value, List<String> values) {
        if (value.isEmpty() || values.contains(value)) {
            return;
        }
        values.add(value);
        Matcher header = SCHEME_AND_CREDENTIALS.matcher(value);
        if (header.matches()) {
            addWithParts(header.group(1).strip(), values);
        }
        String[] lines = value.split("\\R");
        if (lines.length > 1) {
            // stderr is scrubbed line by line: each line of the secret must be found on its own.
            for (String line : lines) {
                addWithParts(line.strip(), values);
            }
        }
        int colon = value.indexOf(':');
        if (colon > 0 && value.chars().noneMatch(Character::isWhitespace)) {
            // user:password (a Milvus token): a server may name the password alone.
            addWithParts(value.substring(colon + 1), values);
        }
        String decoded = decodedBase64(value);
        if (decoded != null && decoded.indexOf(':') > 0) {
            // user:password or id:key; the part after the first colon is the secret half.
            values.add(decoded);
            addWithParts(decoded.substring(decoded.indexOf(':') + 1), values);
        }
    }

    /** What {@code value} decodes to when it is base64 of printable text, else null. */
    private static String decodedBase64(String value) {
        if (!BASE64.matcher(value).matches()) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = value.indexOf('-') >= 0 || value.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(value)
                    : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f) ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String unpadded(String base64) {
        int end = base64.length();
        while (end > 0 && base64.charAt(end - 1) == '=') {
            end--;
        }
        return base64.substring(0, end);
    }

    /**
     * A pattern that finds {@code value} with each character in any of the forms an encoder may give it;
     * the forms may mix, as they do when a server escapes some characters and not others.
     */
    private static Pattern anyForm(String value) {
        StringBuilder regex = new StringBuilder();
        value.codePoints().forEach(c -> regex.append(anyForm(c)));
        return Pattern.compile(
                value.length() < STANDALONE_BELOW ? ALONE_BEFORE + regex + ALONE_AFTER : regex.toString());
    }

    private static String anyForm(int c) {
        List<String> forms = new ArrayList<>();
        if (c == '\\') {
            // A backslash, escaped once or more.
            forms.add("\\\\{1,8}");
        } else {
            // Any number of escaping backslashes before the character: \/ in JSON, \\/ in JSON in JSON.
            forms.add("\\\\*+" + Pattern.quote(new String(Character.toChars(c))));
        }
        StringBuilder unicode = new StringBuilder();
        for (char unit : Character.toChars(c)) {
            unicode.append("\\\\++[uU]").append(hex(unit, 4));
        }
        forms.add(unicode.toString());
        StringBuilder percent = new StringBuilder();
        for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
            percent.append("%(?:25)*+").append(hex(b & 0xff, 2));
        }
        forms.add(percent.toString());
        if (c == ' ') {
            forms.add("\\+");
        }
        forms.add("&#(?:[xX]0*+" + hex(c, 1) + "|0*+" + c + ");");
        String named =
                switch (c) {
                    case '&' -> "&amp;";
                    case '<' -> "&lt;";
                    case '>' -> "&gt;";
                    case '"' -> "&quot;";
                    case '\'' -> "&apos;";
                    default -> null;
                };
        if (named != null) {
            forms.add(named);
        }
        return "(?:" + String.join("|", forms) + ")";
    }

    /** {@code value} in hex of at least {@code digits} digits, as a case-insensitive pattern. */
    private static String hex(int value, int digits) {
        String hex = String.format(Locale.ROOT, "%0" + digits + "X", value);
        StringBuilder regex = new StringBuilder();
        for (char d : hex.toCharArray()) {
            regex.append(Character.isLetter(d) ? "[" + d + Character.toLowerCase(d) + "]" : String.valueOf(d));
        }
        return regex.toString();
    }
}
