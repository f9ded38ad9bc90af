package io.vectorsink.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.mapping.MappedRecord;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.MetadataRules;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Fitting a wide record's metadata to a store's size limit, not a test: one record of N string fields
 * (keys {@code f000000...}, values of V bytes) mapped by {@link RecordMapper} with a store's limits (1 MiB
 * per chunk, 32,766 bytes per value: OpenSearch, Qdrant, Weaviate; Chroma's 4,096 / 131,072; and 16 MiB, a
 * limit no store has, where the wide records fit after many cuts). Reports
 * the CPU time of the mapping thread and what came out (fitted, with how many values cut, or the
 * config_error that says it cannot fit). Run it with the Docker image's heap:
 *
 * <pre>
 * mvn -q -o exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *     -Dexec.args="-Xmx256m -cp %classpath io.vectorsink.bench.MetadataFitBench 20000,40000,100000 200"
 * </pre>
 */
public final class MetadataFitBench {
    private MetadataFitBench() {}

    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "20000,40000,100000").split(",");
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.println("machine: " + BenchSupport.machine() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        var processing = new ProcessingConfig(
                256, 0, List.of("t"), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
        var stream = new ConfiguredStream(
                StreamId.of("wide"), ConfiguredStream.DestinationSyncMode.APPEND, List.of(), 0, 0, false, "s", true);
        // The limits of OpenSearch, Qdrant and Weaviate; of Chroma; and a 16 MiB limit, where wide records fit.
        List<MetadataRules> stores = List.of(
                new MetadataRules(32_766, 1 << 20),
                new MetadataRules(4096, 32 * 4096),
                new MetadataRules(32_766, 16 << 20));
        System.out.println("| fields | value bytes | store limit | CPU s | outcome |");
        System.out.println("|---:|---:|---:|---:|---|");
        for (String size : sizes) {
            int fields = Integer.parseInt(size.trim());
            InputMessage.Record record = record(fields, valueBytes);
            for (MetadataRules rules : stores) {
                RecordMapper mapper = new RecordMapper(processing, rules);
                long before = threadCpuNanos();
                String outcome;
                try {
                    MappedRecord mapped = mapper.map(record, stream);
                    outcome = "fitted, " + mapped.changes().size() + " values cut";
                } catch (ConfigException e) {
                    outcome = "config_error: does not fit";
                }
                double seconds = (threadCpuNanos() - before) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "| %,d | %d | %,d | %.2f | %s |%n",
                        fields,
                        valueBytes,
                        rules.maxMetadataBytes(),
                        seconds,
                        outcome);
            }
        }
        System.out.println("load average after: " + BenchSupport.loadAverage());
    }

    private static InputMessage.Record record(int fields, int valueBytes) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("t", "text");
        String value = "v".repeat(valueBytes);
        for (int i = 0; i < fields; i++) {
            data.put(String.format(Locale.ROOT, "f%06d", i), value);
        }
        return new InputMessage.Record(1, StreamId.of("wide"), data, 0, null);
    }

    private static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
