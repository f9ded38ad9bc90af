package io.vectorsink.error;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A text stream that passes every line through {@link Secrets#redact} before it reaches {@code out}:
 * stderr, where slf4j-simple writes the library logs and the retry warnings, and where the JVM prints
 * what nobody caught. A line is held until its end, so a secret is never split between two writes; a line
 * longer than {@link #MAX_LINE_BYTES} is scrubbed and written in pieces cut outside any secret, and {@link #close} writes what
 * is left, as {@link #drain} does at the end of the process. Thread-safe.
 */
public final class ScrubbingOutputStream extends OutputStream {
    static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * What a piece of a long line keeps back for the next: more than any secret takes in any form. A 64 KiB
     * line holds at least 16 Ki characters, so every piece writes some.
     */
    static final int KEPT_CHARS = Secrets.LONGEST_FORM_CHARS;

    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public ScrubbingOutputStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            emit();
        } else if (line.size() >= MAX_LINE_BYTES) {
            emitPiece();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    /** Passes on the lines written whole; a line still open waits for its end (or for {@link #close}). */
    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** Scrubs and writes the line still open, if any: for the end of the process. */
    public synchronized void drain() throws IOException {
        emit();
    }

    @Override
    public synchronized void close() throws IOException {
        emit();
        out.close();
    }

    private void emit() throws IOException {
        if (line.size() == 0) {
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        out.write(Secrets.redact(text).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Writes a piece of a line too long to hold and keeps the rest: the last {@link #KEPT_CHARS} characters
     * at least, so that a secret that began near the end of the piece is still found whole with the text
     * that follows, and the piece is cut neither inside a secret found whole nor inside a character (which
     * would be decoded as two replacement characters, one at the end of each piece).
     */
    private void emitPiece() throws IOException {
        byte[] bytes = line.toByteArray();
        int whole = wholeCharacters(bytes);
        String text = new String(bytes, 0, whole, StandardCharsets.UTF_8);
        int limit = text.length() - KEPT_CHARS;
        int cut = Secrets.safeCut(text, limit);
        if (cut <= 0) {
            cut = limit; // one match fills the piece (thousands of escapes before a key): no real echo looks so
        }
        line.reset();
        out.write(Secrets.redact(text.substring(0, cut)).getBytes(StandardCharsets.UTF_8));
        out.flush();
        line.write(text.substring(cut).getBytes(StandardCharsets.UTF_8));
        line.write(bytes, whole, bytes.length - whole);
    }

    /** The length of the longest start of {@code bytes} that does not end inside a UTF-8 character. */
    static int wholeCharacters(byte[] bytes) {
        int start = bytes.length - 1;
        while (start > 0 && bytes.length - start < 4 && (bytes[start] & 0xC0) == 0x80) {
            start--; // a continuation byte: the character began before it
        }
        if (start < 0) {
            return 0;
        }
        int lead = bytes[start] & 0xFF;
        int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return bytes.length - start < size ? start : bytes.length;
    }
}
