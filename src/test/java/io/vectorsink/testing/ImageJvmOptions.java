package io.vectorsink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM options the Docker image runs the connector with (its {@code ENV JAVA_TOOL_OPTIONS}), so that the
 * benchmarks measure the jar as users get it.
 */
public final class ImageJvmOptions {
    private static final String PREFIX = "ENV JAVA_TOOL_OPTIONS=";

    private ImageJvmOptions() {}

    /** The options of the project's Dockerfile, in order. */
    public static List<String> read() {
        return read(Path.of("Dockerfile"));
    }

    static List<String> read(Path dockerfile) {
        try {
            List<String> lines = Files.readAllLines(dockerfile).stream()
                    .filter(line -> line.startsWith(PREFIX))
                    .toList();
            if (lines.size() != 1) {
                throw new IllegalStateException(dockerfile + " has " + lines.size() + " lines " + PREFIX + "...");
            }
            String value = lines.get(0).substring(PREFIX.length()).strip().replaceAll("^\"|\"$", "");
            return Arrays.stream(value.split("\\s+"))
                    .filter(option -> !option.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
