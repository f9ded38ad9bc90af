package io.vectorsink.http;

import io.vectorsink.error.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * An unsuccessful HTTP answer as a small value: its code and the start of its body with every
 * registered secret redacted, for messages and logs.
 *
 * @param code the HTTP status code
 * @param bodySnippet at most {@link #MAX_SNIPPET_CHARS} characters of the body, secrets redacted,
 *     control characters replaced; empty when there was no body
 */
public record HttpStatus(int code, String bodySnippet) {
    public static final int MAX_SNIPPET_CHARS = 500;

    /**
     * Reads at most 48 KiB of the body: an error page can be huge and only its start is shown. A body cut
     * there loses its last {@link Secrets#LONGEST_FORM_CHARS} characters read, so that a secret the cut went
     * through is not shown in part once the echoes before it shrank to {@code ****}; 48 KiB keeps at least
     * 4,096 characters after that even when every character takes UTF-8's four bytes (16 KiB of CJK text
     * left none to show).
     */
    private static final long MAX_BODY_BYTES = 4L * (Secrets.LONGEST_FORM_CHARS + 4096);

    public HttpStatus {
        bodySnippet = snippet(bodySnippet == null ? "" : bodySnippet);
    }

    /** The status of {@code response}; reads the start of its body but does not close it. */
    public static HttpStatus of(Response response) {
        return new HttpStatus(response.code(), readStart(response.body()));
    }

    /** "HTTP 503" or "HTTP 503: snippet". */
    public String describe() {
        return bodySnippet.isEmpty() ? "HTTP " + code : "HTTP " + code + ": " + bodySnippet;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String readStart(ResponseBody body) {
        if (body == null) {
            return "";
        }
        try {
            BufferedSource source = body.source();
            source.request(MAX_BODY_BYTES + 1);
            long size = source.getBuffer().size();
            String start = source.getBuffer()
                    .snapshot((int) Math.min(MAX_BODY_BYTES, size))
                    .string(StandardCharsets.UTF_8);
            return size > MAX_BODY_BYTES ? Secrets.startOfCutText(start) : start;
        } catch (IOException | RuntimeException e) {
            // The status code is what matters; a body that cannot be read is reported as absent.
            return "";
        }
    }

    private static String snippet(String text) {
        // Redact before truncating, so a secret cut in half at the boundary is still removed.
        String redacted = Secrets.redact(text);
        StringBuilder out = new StringBuilder(Math.min(redacted.length(), MAX_SNIPPET_CHARS));
        for (int i = 0; i < redacted.length() && out.length() < MAX_SNIPPET_CHARS; i++) {
            char c = redacted.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            out.setLength(out.length() - 1);
        }
        return out.toString().strip();
    }
}
