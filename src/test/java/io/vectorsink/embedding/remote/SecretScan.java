package io.vectorsink.embedding.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Collects everything a failure could show a user or a log reader: every exception's messages and
 * stack trace (causes included) and everything written to stderr, where slf4j-simple logs; then checks
 * that no secret is in it.
 */
public final class SecretScan implements AutoCloseable {
    private final StringBuilder seen = new StringBuilder();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream original = System.err;

    /** Starts capturing stderr (still echoed to the original stream). */
    public SecretScan() {
        PrintStream tee = new PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        stderr.write(b);
                        original.write(b);
                    }
                },
                true,
                StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** Records {@code failure} with its causes and stack trace. */
    public void add(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        seen.append(trace).append('\n');
    }

    /** Everything seen so far. */
    public String text() {
        return seen + stderr.toString(StandardCharsets.UTF_8);
    }

    /** Fails if any secret appears in what was seen, in any form a server may echo it. */
    public void assertFreeOf(String... secrets) {
        String text = text();
        for (String secret : secrets) {
            io.vectorsink.testing.SecretScan.forms(secret).forEach((form, value) -> assertThat(text)
                    .as("output of the failure tests, the secret " + form)
                    .doesNotContain(value));
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
