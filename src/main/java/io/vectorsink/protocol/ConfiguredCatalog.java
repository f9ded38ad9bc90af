package io.vectorsink.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The configured catalog: which streams this sync writes and how. */
public final class ConfiguredCatalog {
    private final Map<StreamId, ConfiguredStream> streams;

    private ConfiguredCatalog(Map<StreamId, ConfiguredStream> streams) {
        this.streams = streams;
    }

    public Optional<ConfiguredStream> stream(StreamId id) {
        return Optional.ofNullable(streams.get(id));
    }

    public List<ConfiguredStream> streams() {
        return List.copyOf(streams.values());
    }

    /**
     * The environment variable in which the Airbyte platform gives every connector container the id of its
     * job; every attempt of a job has the same one (the attempt number is in {@code WORKER_JOB_ATTEMPT}).
     */
    public static final String JOB_ID_VARIABLE = "WORKER_JOB_ID";

    /**
     * Reads a ConfiguredAirbyteCatalog, with the platform's job id from the environment as the sync id of a
     * catalog that carries none.
     */
    public static ConfiguredCatalog parse(JsonNode catalog) {
        return parse(catalog, System.getenv(JOB_ID_VARIABLE));
    }

    /**
     * Reads a ConfiguredAirbyteCatalog. Every problem is reported at once, as a config_error: the
     * catalog is what the user configured in the connection.
     *
     * @param platformJobId the platform's job id ({@value #JOB_ID_VARIABLE}), or null; the sync id of streams
     *     whose catalog entry has no {@code sync_id}, since every attempt of the sync shares it
     */
    public static ConfiguredCatalog parse(JsonNode catalog, String platformJobId) {
        List<String> problems = new ArrayList<>();
        Map<StreamId, ConfiguredStream> streams = new LinkedHashMap<>();
        Map<List<String>, Integer> storedNames = new HashMap<>();
        JsonNode list = catalog == null ? null : catalog.get("streams");
        if (list == null || !list.isArray()) {
            throw new ConfigException("The catalog has no 'streams' list");
        }
        boolean jobKnown = platformJobId != null && !platformJobId.isBlank();
        String runId =
                jobKnown ? "job-" + platformJobId.strip() : UUID.randomUUID().toString();
        for (int i = 0; i < list.size(); i++) {
            JsonNode configured = list.get(i);
            JsonNode stream = configured.path("stream");
            String name = stream.path("name").isTextual() ? stream.path("name").asText() : null;
            if (name == null || name.isEmpty()) {
                problems.add("catalog stream #" + (i + 1) + " has no name");
                continue;
            }
            String namespace = stream.path("namespace").isTextual()
                    ? stream.path("namespace").asText()
                    : null;
            StreamId id = new StreamId(namespace, name);
            // Names that differ only in unpaired surrogates are stored alike; one stream's removals would hit both.
            Integer sameStoredName = storedNames.putIfAbsent(List.of(id.namespaceOrEmpty(), id.airbyteName()), i + 1);
            if (sameStoredName != null && !streams.containsKey(id)) { // the same stream twice is reported below
                problems.add("catalog streams #" + sameStoredName + " and #" + (i + 1) + " are stored under the same"
                        + " name (" + id.airbyteName() + "): their names differ only in unpaired UTF-16 surrogates");
            }
            String modeText = configured.path("destination_sync_mode").asText("append");
            ConfiguredStream.DestinationSyncMode mode;
            try {
                mode = ConfiguredStream.DestinationSyncMode.valueOf(modeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("stream " + id + ": destination_sync_mode '" + modeText
                        + "' is not supported (append, append_dedup, overwrite)");
                continue;
            }
            List<List<String>> key = primaryKey(configured, stream, mode);
            if (mode == ConfiguredStream.DestinationSyncMode.APPEND_DEDUP && key.isEmpty()) {
                problems.add("stream " + id + " uses append_dedup but has no primary key");
            }
            boolean generations =
                    configured.hasNonNull("generation_id") || configured.hasNonNull("minimum_generation_id");
            long generation = configured.path("generation_id").asLong(0);
            long minimum = configured.path("minimum_generation_id").asLong(0);
            if (minimum > generation) {
                problems.add("stream " + id + ": minimum_generation_id " + minimum + " is above generation_id "
                        + generation);
            }
            JsonNode syncId = configured.get("sync_id");
            boolean fromCatalog = syncId != null && !syncId.isNull();
            String sync = fromCatalog ? syncId.asText() : runId;
            boolean shared = fromCatalog || jobKnown;
            if (streams.put(id, new ConfiguredStream(id, mode, key, generation, minimum, generations, sync, shared))
                    != null) {
                problems.add("stream " + id + " appears twice in the catalog");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
        return new ConfiguredCatalog(streams);
    }

    /**
     * The key the stream is deduplicated by. The configured {@code primary_key} wins, even when it is the
     * empty list: a user who set no key on an append or overwrite stream gets no deduplication. The
     * source's {@code source_defined_primary_key} is used when {@code primary_key} is absent (the
     * protocol's rule: the configured key is required "unless it is already supplied by the source"), and
     * for {@code append_dedup} when it is empty, since that mode cannot work without a key.
     */
    private static List<List<String>> primaryKey(
            JsonNode configured, JsonNode stream, ConfiguredStream.DestinationSyncMode mode) {
        JsonNode configuredKey = configured.get("primary_key");
        List<List<String>> key = keyPaths(configuredKey);
        boolean absent = configuredKey == null || configuredKey.isNull();
        if (absent || (key.isEmpty() && mode == ConfiguredStream.DestinationSyncMode.APPEND_DEDUP)) {
            return keyPaths(stream.get("source_defined_primary_key"));
        }
        return key;
    }

    private static List<List<String>> keyPaths(JsonNode node) {
        List<List<String>> paths = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return paths;
        }
        for (JsonNode path : node) {
            List<String> parts = new ArrayList<>();
            if (path.isArray()) {
                path.forEach(part -> parts.add(part.asText()));
            } else if (path.isTextual()) {
                parts.add(path.asText());
            }
            if (!parts.isEmpty()) {
                paths.add(parts);
            }
        }
        return paths;
    }
}
