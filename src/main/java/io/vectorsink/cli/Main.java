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
        // The protocol writer gets the raw stream, not a PrintStream: a PrintStream swallows write errors, and a
        // STATE lost to a closed pipe must fail the command. Plain text (query) goes through a PrintStream
        // whose error flag the connector checks.
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PrintStream plainOut = new PrintStream(stdout, false, StandardCharsets.UTF_8);
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
        Thread signalNotice = signalNotice(args, out);
        Runtime.getRuntime().addShutdownHook(signalNotice);
        int code = new Connector(out, System.in, plainOut).run(List.of(args));
        Runtime.getRuntime().removeShutdownHook(signalNotice);
        if (code != 0) {
            System.exit(code);
        }
        // Exit 0 by returning: a stray non-daemon thread would keep the JVM alive and fail the process tests.
    }

    /**
     * Runs only when the JVM shuts down before the command returned: a SIGTERM or SIGINT (the platform
     * cancelling the sync). The JVM then exits with 128 + the signal (143, 130) without waiting for the
     * work in flight, so no further STATE is emitted and Airbyte resumes from the last one it received.
     * stdout may be gone by then, so the notice goes to stderr.
     */
    private static Thread signalNotice(String[] args, OutputWriter out) {
        String command = args.length == 0 ? "the command" : args[0].replaceFirst("^--", "");
        return new Thread(
                () -> {
                    out.stop();
                    System.err.println("vectorsink: stopped by a signal before " + command
                            + " finished; no state is emitted after the last one already written");
                    System.err.flush();
                },
                "vectorsink-signal-notice");
    }
}
