package io.vectorsink.cli;

import io.vectorsink.error.ScrubbingOutputStream;
import io.vectorsink.error.Secrets;
import io.vectorsink.protocol.OutputWriter;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/** Entry point: {@code java -jar destination-vectorsink.jar spec|check|write|query ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // stdout carries only protocol messages: everything else that prints (libraries included) goes to stderr,
        // scrubbed of the configured secrets line by line, as the protocol messages are.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        ScrubbingOutputStream scrubbed = new ScrubbingOutputStream(new FileOutputStream(FileDescriptor.err));
        PrintStream stderr = new PrintStream(scrubbed, true, StandardCharsets.UTF_8);
        System.setErr(stderr);
        System.setOut(stderr);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                scrubbed.drain();
            } catch (IOException e) {
                // stderr is gone: nothing is left to tell.
            }
        }));
        OutputWriter out = new OutputWriter(
                new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8)),
                Clock.systemUTC(),
                Secrets::redact);
        int code = new Connector(out, System.in, stdout).run(List.of(args));
        stdout.flush();
        if (code != 0) {
            System.exit(code);
        }
        // Exit 0 by returning: a stray non-daemon thread would keep the JVM alive and fail the process tests.
    }
}
