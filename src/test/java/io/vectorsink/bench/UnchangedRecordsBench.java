package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.bench.ChromaRequests.Kind;
import io.vectorsink.bench.ChromaRequests.Tally;
import io.vectorsink.bench.Documents.Doc;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.FaultProxy;
import io.vectorsink.testing.Messages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Skipping unchanged records (issue 15), not a test: the built jar's {@code write} syncs keyed documents
 * (realistic text lengths, {@link Documents}) into the npm Chroma, through a counting proxy ({@link
 * ChromaRequests}), embedding with an OpenAI-compatible provider on loopback that answers after 100–300 ms
 * per call and counts calls, inputs and tokens ({@link FakeEmbeddingServer#withLatencyRange}). Five syncs
 * into one collection, each also run with {@code force_reembed} into a second collection holding the same
 * data (the embed-everything baseline, side by side; order alternated):
 *
 * <ol>
 *   <li>into an empty index;
 *   <li>the same input again ({@code append_dedup});
 *   <li>1% of the texts changed (one word each);
 *   <li>1% of the metadata changed (the category of other records);
 *   <li>the same input again in {@code overwrite} mode (a new generation).
 * </ol>
 *
 * Every run's texts sent to the provider are compared with what the connector's chunker says must be sent,
 * computed here from the documents ({@link ExpectedChunks}); at the end both collections are read back and
 * checked chunk by chunk (text, category, generation, and vector against the provider's vector of the text).
 * On a build without {@code force_reembed} both sides embed everything. After {@code mvn package
 * -DskipTests} and {@code mvn test-compile}:
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.UnchangedRecordsBench \
 *     -Dexec.args="RECORDS MIN_LATENCY_MS MAX_LATENCY_MS CHANGED_PERCENT [SYNCS]"
 * </pre>
 *
 * Defaults: 10000 100 300 1, and all 5 syncs (SYNCS 1 runs the first only). At the end, what one lookup
 * costs Chroma in the finished collection with nothing else running ({@link ChromaLookupCost}).
 */
public final class UnchangedRecordsBench {
    private static final int DIMENSIONS = 256;
    private static final int CHUNK_SIZE = 254;
    private static final long SEED = 15;
    private static final String SKIP = "skip";
    private static final String FORCE = "force_reembed";
    /** The connector's own figures in its end-of-sync LOG line (docs/behaviour.md). */
    private static final Pattern TOKENS_SENT = Pattern.compile("(\\d+) tokens sent");

    private static final Pattern LOOKUP_TIME = Pattern.compile("(\\d+) lookups and (\\d+) vector reads in (\\d+) ms");

    private UnchangedRecordsBench() {}

    /** One sync: its input, mode, generation, and what each side must send to the provider. */
    private record Step(
            int sync,
            String title,
            List<Doc> docs,
            String mode,
            long generation,
            long minimumGeneration,
            List<String> skipSends,
            long skipUpserts,
            long skipUpdates) {}

    /** One run of one side. */
    private record Outcome(
            Step step,
            String side,
            Run run,
            long calls,
            long inputs,
            long tokens,
            List<String> expected,
            String textsCheck,
            ChromaRequests store,
            double chromaCpu,
            String lastLog,
            String load) {
        Tally tally(Kind kind) {
            return store.tally(kind);
        }

        /** The connector's own count of tokens sent and lookup time, when its last LOG line has them. */
        String connectorStats() {
            Matcher tokens = TOKENS_SENT.matcher(lastLog);
            Matcher lookups = LOOKUP_TIME.matcher(lastLog);
            if (!tokens.find() || !lookups.find()) {
                return "-";
            }
            return tokens.group(1) + " / " + lookups.group(1) + " in " + lookups.group(3) + " ms";
        }
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int minMs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int maxMs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        double percent = args.length > 3 ? Double.parseDouble(args[3]) : 1;
        int syncs = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Path dir = Files.createTempDirectory("vectorsink-bench-unchanged-");
        int changes = Math.max(1, (int) Math.round(records * percent / 100));

        List<Doc> v1 = Documents.generate(records, SEED);
        Set<Integer> textEdits = Documents.pick(records, changes, Set.of(), SEED + 1);
        List<Doc> v3 = Documents.editTexts(v1, textEdits, SEED + 2);
        Set<Integer> metadataEdits = Documents.pick(records, changes, textEdits, SEED + 3);
        List<Doc> v4 = Documents.editCategories(v3, metadataEdits);
        ExpectedChunks expected = new ExpectedChunks(CHUNK_SIZE);
        List<String> all1 = expected.all(v1);
        List<Step> allSteps = List.of(
                new Step(1, "empty index", v1, "append_dedup", 1, 0, all1, all1.size(), 0),
                new Step(2, "same input, dedup", v1, "append_dedup", 1, 0, List.of(), 0, 0),
                new Step(
                        3,
                        percent + "% of texts changed",
                        v3,
                        "append_dedup",
                        1,
                        0,
                        expected.changed(v1, v3),
                        expected.of(v3, textEdits).size(),
                        0),
                new Step(
                        4,
                        percent + "% of metadata changed",
                        v4,
                        "append_dedup",
                        1,
                        0,
                        List.of(),
                        expected.of(v4, metadataEdits).size(),
                        0),
                new Step(
                        5,
                        "same input, overwrite",
                        v4,
                        "overwrite",
                        2,
                        2,
                        List.of(),
                        0,
                        expected.all(v4).size()));
        List<Step> steps = allSteps.subList(0, syncs);
        Step last = steps.get(steps.size() - 1);

        Optional<List<String>> forcePath = optionPath(dir, FORCE);
        System.out.println("machine: " + BenchSupport.machine());
        System.out.printf(
                Locale.ROOT,
                "input: %d keyed records (%s), %d chunks of at most %d cl100k tokens, %d tokens; %d texts and %d"
                        + " categories changed; provider latency %d-%d ms per call, %d dimensions; %s%n",
                records,
                lengths(v1, expected),
                all1.size(),
                CHUNK_SIZE,
                expected.tokens(all1),
                changes,
                changes,
                minMs,
                maxMs,
                DIMENSIONS,
                forcePath
                        .map(p -> "force_reembed at " + String.join(".", p))
                        .orElse("this build has no force_reembed: both sides embed everything"));

        List<Outcome> outcomes = new ArrayList<>();
        try (ChromaServer chroma = ChromaServer.start();
                FakeEmbeddingServer provider = FakeEmbeddingServer.withLatencyRange(
                        DIMENSIONS, Duration.ofMillis(minMs), Duration.ofMillis(maxMs), SEED);
                FaultProxy proxy = new FaultProxy(chroma.url(), SEED)) {
            provider.recordInputs();
            Path one = Documents.write(dir.resolve("one.jsonl"), v1.subList(0, 1), 1_700_000_000_000L);
            Run fixed = sync(dir, proxy, provider, "fixed", one, catalog(dir, steps.get(0), 0), Optional.empty());
            BenchSupport.requireOk(fixed, "the 1-record write");
            provider.takeInputs();
            System.out.printf(
                    Locale.ROOT,
                    "fixed cost (JVM start, prepare, 1 record): %.2f s, load average %s%n",
                    fixed.seconds(),
                    BenchSupport.loadAverage());
            for (Step step : steps) {
                Path input = Documents.write(
                        dir.resolve("sync-" + step.sync() + ".jsonl"),
                        step.docs(),
                        1_700_000_000_000L + step.sync() * 100_000_000L);
                Path catalog = catalog(dir, step, step.sync());
                List<String> sides = step.sync() % 2 == 1 ? List.of(SKIP, FORCE) : List.of(FORCE, SKIP);
                for (String side : sides) {
                    List<String> sends = side.equals(SKIP) ? step.skipSends() : expected.all(step.docs());
                    Outcome outcome = run(dir, chroma, proxy, provider, step, side, input, catalog, forcePath, sends);
                    outcomes.add(outcome);
                    System.out.printf(
                            Locale.ROOT,
                            "sync %d %s: %.2f s, %d calls, %d tokens (expected %d), load %s%n",
                            step.sync(),
                            side,
                            outcome.run().seconds(),
                            outcome.calls(),
                            outcome.tokens(),
                            expected.tokens(sends),
                            outcome.load());
                }
            }
            report(outcomes, expected, fixed);
            System.out.println();
            System.out.println("Index read back after sync " + last.sync()
                    + " (every chunk's text, category, generation, vector):");
            for (String side : List.of(SKIP, FORCE)) {
                System.out.println("- " + side + ": "
                        + IndexCheck.verify(
                                chroma.url(), collection(side), last.docs(), expected, DIMENSIONS, last.generation()));
            }
            System.out.println();
            // As many records as the connector's lookups asked for, on average, in sync 1.
            long lookups = find(outcomes, 1, SKIP).tally(Kind.LOOKUP).requests();
            int perLookup = (int) Math.max(1, records / Math.max(1, lookups));
            System.out.println(
                    ChromaLookupCost.measure(chroma.url(), collection(SKIP), Documents.STREAM, perLookup, 7));
            System.out.println("load average at the end: " + BenchSupport.loadAverage());
        }
        System.exit(0);
    }

    private static Outcome run(
            Path dir,
            ChromaServer chroma,
            FaultProxy proxy,
            FakeEmbeddingServer provider,
            Step step,
            String side,
            Path input,
            Path catalog,
            Optional<List<String>> forcePath,
            List<String> expectedSends) {
        ChromaRequests store = new ChromaRequests();
        proxy.observe(store);
        long calls = provider.requests();
        long inputs = provider.inputsServed();
        long tokens = provider.tokensServed();
        double chromaCpu = BenchSupport.cpuSeconds(chroma.pid());
        String load = BenchSupport.loadAverage().split(" ")[0];
        Run run = sync(dir, proxy, provider, side, input, catalog, side.equals(FORCE) ? forcePath : Optional.empty());
        BenchSupport.requireOk(run, "sync " + step.sync() + " " + side);
        List<String> sent = provider.takeInputs();
        return new Outcome(
                step,
                side,
                run,
                provider.requests() - calls,
                provider.inputsServed() - inputs,
                provider.tokensServed() - tokens,
                expectedSends,
                compare(sent, expectedSends),
                store,
                BenchSupport.cpuSeconds(chroma.pid()) - chromaCpu,
                lastLog(run.stdout()),
                load);
    }

    /** Runs the jar's write into the side's collection, through the counting proxy. */
    private static Run sync(
            Path dir,
            FaultProxy proxy,
            FakeEmbeddingServer provider,
            String collection,
            Path input,
            Path catalog,
            Optional<List<String>> forcePath) {
        ObjectNode config = Json.MAPPER.createObjectNode();
        ObjectNode processing = config.putObject("processing");
        processing.put("chunk_size", CHUNK_SIZE).put("chunk_overlap", 0);
        processing.putArray("text_fields").add(Documents.TEXT_FIELD);
        Documents.METADATA_FIELDS.forEach(processing.withArray("metadata_fields")::add);
        config.putObject("embedding")
                .put("mode", "openai_compatible")
                .put("base_url", provider.baseUrl())
                .put("model_name", "bench-embedder")
                .put("dimensions", DIMENSIONS);
        config.putObject("indexing")
                .put("mode", "chroma")
                .put("host", proxy.url())
                .put("collection", collection(collection));
        forcePath.ifPresent(path -> {
            ObjectNode parent = config;
            for (String name : path.subList(0, path.size() - 1)) {
                parent = parent.has(name) ? (ObjectNode) parent.get(name) : parent.putObject(name);
            }
            parent.put(path.get(path.size() - 1), true);
        });
        String name = collection + "-" + catalog.getFileName().toString().replace(".json", "");
        Path configFile = BenchSupport.write(dir.resolve(name + "-config.json"), config.toString());
        return BenchSupport.runWrite(dir, name, input, configFile, catalog);
    }

    /** Chroma names allow {@code _}, but not everywhere: one spelling for the config and the check. */
    private static String collection(String side) {
        return side.replace('_', '-');
    }

    private static Path catalog(Path dir, Step step, long syncId) {
        ObjectNode stream = Messages.stream(
                Documents.STREAM, step.mode(), List.of("id"), step.generation(), step.minimumGeneration());
        stream.put("sync_id", syncId);
        return BenchSupport.write(dir.resolve("catalog-" + syncId + ".json"), Messages.catalog(stream));
    }

    /** Where the spec of the built jar has the option {@code name} (property names from the root), if anywhere. */
    private static Optional<List<String>> optionPath(Path dir, String name) throws IOException {
        Run spec = BenchSupport.runJar(dir, "spec", null, List.of(), "spec");
        BenchSupport.requireOk(spec, "spec");
        for (String line : Files.readAllLines(spec.stdout())) {
            if (line.contains("\"SPEC\"")) {
                return find(Json.MAPPER.readTree(line).path("spec").path("connectionSpecification"), name);
            }
        }
        throw new IllegalStateException("the jar printed no SPEC message");
    }

    private static Optional<List<String>> find(JsonNode schema, String name) {
        JsonNode properties = schema.path("properties");
        if (properties.has(name)) {
            return Optional.of(List.of(name));
        }
        for (var field : properties.properties()) {
            Optional<List<String>> below = find(field.getValue(), name);
            if (below.isPresent()) {
                List<String> path = new ArrayList<>();
                path.add(field.getKey());
                path.addAll(below.get());
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** Whether the texts sent are exactly the expected ones (as multisets), or what differs. */
    private static String compare(List<String> sent, List<String> expected) {
        List<String> a = new ArrayList<>(sent);
        List<String> b = new ArrayList<>(expected);
        Collections.sort(a);
        Collections.sort(b);
        if (a.equals(b)) {
            return "yes";
        }
        List<String> extra = new ArrayList<>(a);
        expected.forEach(extra::remove);
        List<String> missing = new ArrayList<>(b);
        sent.forEach(missing::remove);
        return "no: " + extra.size() + " extra, " + missing.size() + " missing";
    }

    private static String lastLog(Path stdout) {
        try {
            String last = "";
            for (String line : Files.readAllLines(stdout)) {
                if (line.startsWith("{\"type\":\"LOG\"")) {
                    last = Json.MAPPER
                            .readTree(line)
                            .path("log")
                            .path("message")
                            .asText();
                }
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lengths(List<Doc> docs, ExpectedChunks expected) {
        int one = 0;
        int few = 0;
        int many = 0;
        for (Doc doc : docs) {
            int chunks = expected.chunks(doc).size();
            if (chunks == 1) {
                one++;
            } else if (chunks <= 3) {
                few++;
            } else {
                many++;
            }
        }
        return one + " of 1 chunk, " + few + " of 2-3, " + many + " of 4 or more";
    }

    private static void report(List<Outcome> outcomes, ExpectedChunks expected, Run fixed) {
        System.out.println();
        System.out.println("| sync | side | wall s | provider calls | inputs (expected) | tokens (expected)"
                + " | texts sent as expected | upserts: requests / points (expected) | own-field updates: requests /"
                + " points (expected) | lookups: requests / s / share of wall | connector's log: tokens sent /"
                + " lookups | other gets / deletes | connector CPU s | Chroma CPU s | load |");
        System.out.println("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Outcome o : outcomes) {
            Step step = o.step();
            boolean skip = o.side().equals(SKIP);
            Tally upserts = o.tally(Kind.UPSERT);
            Tally updates = o.tally(Kind.UPDATE);
            Tally lookups = o.tally(Kind.LOOKUP);
            long gets = o.tally(Kind.GET_BY_IDS).requests()
                    + o.tally(Kind.VECTOR_READ).requests();
            System.out.printf(
                    Locale.ROOT,
                    "| %d %s | %s | %.2f | %d | %d (%d) | %d (%d) | %s | %d / %d (%s) | %d / %d (%s) | %d / %.2f / %.1f%%"
                            + " | %s | %d / %d | %.1f | %.1f | %s |%n",
                    step.sync(),
                    step.title(),
                    o.side(),
                    o.run().seconds(),
                    o.calls(),
                    o.inputs(),
                    o.expected().size(),
                    o.tokens(),
                    expected.tokens(o.expected()),
                    o.textsCheck(),
                    upserts.requests(),
                    upserts.points(),
                    skip ? String.valueOf(step.skipUpserts()) : "all",
                    updates.requests(),
                    updates.points(),
                    skip ? String.valueOf(step.skipUpdates()) : "0",
                    lookups.requests(),
                    lookups.seconds(),
                    100 * lookups.seconds() / o.run().seconds(),
                    o.connectorStats(),
                    gets,
                    o.tally(Kind.DELETE).requests(),
                    o.run().cpuSeconds(),
                    o.chromaCpu(),
                    o.load());
        }
        System.out.println();
        Outcome first = find(outcomes, 1, SKIP);
        for (int sync : new int[] {2, 5}) {
            if (sync > outcomes.size() / 2) {
                break;
            }
            Outcome skip = find(outcomes, sync, SKIP);
            Outcome force = find(outcomes, sync, FORCE);
            System.out.printf(
                    Locale.ROOT,
                    "sync %d (%s): %.1fx faster than sync 1 (%.2f s against %.2f s), %.1fx faster than force_reembed"
                            + " (%.2f s); without the fixed %.2f s: %.1fx faster than sync 1%n",
                    sync,
                    skip.step().title(),
                    first.run().seconds() / skip.run().seconds(),
                    skip.run().seconds(),
                    first.run().seconds(),
                    force.run().seconds() / skip.run().seconds(),
                    force.run().seconds(),
                    fixed.seconds(),
                    (first.run().seconds() - fixed.seconds()) / (skip.run().seconds() - fixed.seconds()));
        }
        for (int sync = 1; sync <= outcomes.size() / 2; sync++) {
            Outcome skip = find(outcomes, sync, SKIP);
            Outcome force = find(outcomes, sync, FORCE);
            System.out.printf(
                    Locale.ROOT,
                    "sync %d: skip sent %d of force_reembed's %d tokens (%.2f%%) in %.2f s against %.2f s%n",
                    sync,
                    skip.tokens(),
                    force.tokens(),
                    force.tokens() == 0 ? 0 : 100.0 * skip.tokens() / force.tokens(),
                    skip.run().seconds(),
                    force.run().seconds());
        }
        System.out.println();
        System.out.println("Last LOG line of each run:");
        for (Outcome o : outcomes) {
            System.out.println("- sync " + o.step().sync() + " " + o.side() + ": `" + o.lastLog() + "`");
        }
    }

    private static Outcome find(List<Outcome> outcomes, int sync, String side) {
        return outcomes.stream()
                .filter(o -> o.step().sync() == sync && o.side().equals(side))
                .findFirst()
                .orElseThrow();
    }
}
