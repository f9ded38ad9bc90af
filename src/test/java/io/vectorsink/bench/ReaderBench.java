package io.vectorsink.bench;

import io.vectorsink.protocol.MessageReader;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How fast stdin is read, not a test: in one JVM, the rate of {@link MessageReader} over a file of generated
 * records of 120 words (a STATE every 1,000), read through a {@code BufferedInputStream} of 8 KiB as
 * {@code System.in} is, against the rate of {@link MessageReader#parse} alone on the same lines already split
 * and decoded. The difference is what reading and decoding the lines cost. Medians of REPS after one warm-up of
 * each; run it with the Docker image's JVM options for the rate users get:
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx256m -XX:TieredStopAtLevel=1 -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     io.vectorsink.bench.ReaderBench 100000 5
 * </pre>
 */
public final class ReaderBench {
    private ReaderBench() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("vectorsink-bench-reader-");
        Path corpus = BenchSupport.writeCorpus(dir.resolve("corpus.jsonl"), records, 120);
        double megabytes = Files.size(corpus) / 1e6;
        List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        read(corpus);
        parse(lines);
        List<Double> reading = new ArrayList<>();
        List<Double> parsing = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            reading.add(read(corpus));
            parsing.add(parse(lines));
        }
        double read = BenchSupport.median(reading);
        double parse = BenchSupport.median(parsing);
        System.out.printf(
                Locale.ROOT,
                "%.1f MB, %d lines; MessageReader %.3f s (%.0f MB/s); parse alone %.3f s (%.0f MB/s);"
                        + " reading and decoding %.3f s; JVM %s; load %s%n",
                megabytes,
                lines.size(),
                read,
                megabytes / read,
                parse,
                megabytes / parse,
                read - parse,
                String.join(
                        " ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getInputArguments()),
                BenchSupport.loadAverage());
        Files.delete(corpus);
        Files.delete(dir);
    }

    /** Seconds to read every message of the file through stdin's kind of stream. */
    private static double read(Path corpus) throws IOException {
        long start = System.nanoTime();
        long count = 0;
        try (InputStream in = new BufferedInputStream(new FileInputStream(corpus.toFile()))) {
            MessageReader reader = new MessageReader(in);
            while (reader.hasNext()) {
                reader.next();
                count++;
            }
        }
        return check(count, (System.nanoTime() - start) / 1e9);
    }

    private static double parse(List<String> lines) {
        long start = System.nanoTime();
        long count = 0;
        for (int i = 0; i < lines.size(); i++) {
            MessageReader.parse(lines.get(i), i + 1);
            count++;
        }
        return check(count, (System.nanoTime() - start) / 1e9);
    }

    private static double check(long messages, double seconds) {
        if (messages == 0) {
            throw new IllegalStateException("no message was read");
        }
        return seconds;
    }
}
