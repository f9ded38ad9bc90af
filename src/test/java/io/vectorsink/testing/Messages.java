package io.vectorsink.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import java.util.List;

/** Builders for Airbyte protocol lines and catalogs in tests. */
public final class Messages {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Messages() {}

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String record(String stream, String dataJson) {
        return record(stream, dataJson, 1_700_000_000_000L);
    }

    public static String record(String stream, String dataJson, long emittedAt) {
        ObjectNode message = NODES.objectNode().put("type", "RECORD");
        message.putObject("record")
                .put("stream", stream)
                .put("emitted_at", emittedAt)
                .set("data", json(dataJson));
        return message + "\n";
    }

    public static String streamState(String stream, String blobJson) {
        ObjectNode message = NODES.objectNode().put("type", "STATE");
        ObjectNode state = message.putObject("state").put("type", "STREAM");
        ObjectNode streamState = state.putObject("stream");
        streamState.putObject("stream_descriptor").put("name", stream);
        streamState.set("stream_state", json(blobJson));
        return message + "\n";
    }

    public static String globalState(String sharedJson) {
        ObjectNode message = NODES.objectNode().put("type", "STATE");
        message.putObject("state").put("type", "GLOBAL").putObject("global").set("shared_state", json(sharedJson));
        return message + "\n";
    }

    public static String status(String stream, String status) {
        ObjectNode message = NODES.objectNode().put("type", "TRACE");
        ObjectNode trace =
                message.putObject("trace").put("type", "STREAM_STATUS").put("emitted_at", 1.0);
        ObjectNode body = trace.putObject("stream_status").put("status", status);
        body.putObject("stream_descriptor").put("name", stream);
        return message + "\n";
    }

    /** A configured stream. {@code primaryKey} may be empty; generation ids of -1 are left out. */
    public static ObjectNode stream(
            String name, String syncMode, List<String> primaryKey, long generation, long minimum) {
        ObjectNode configured = NODES.objectNode();
        ObjectNode stream = configured.putObject("stream").put("name", name);
        stream.putObject("json_schema").put("type", "object");
        stream.putArray("supported_sync_modes").add("full_refresh").add("incremental");
        configured.put("sync_mode", syncMode.equals("append_dedup") ? "incremental" : "full_refresh");
        configured.put("destination_sync_mode", syncMode);
        ArrayNode key = configured.putArray("primary_key");
        primaryKey.forEach(field -> key.addArray().add(field));
        if (generation >= 0) {
            configured.put("generation_id", generation);
            configured.put("minimum_generation_id", minimum);
            configured.put("sync_id", 100 + generation);
        }
        return configured;
    }

    public static String catalog(ObjectNode... streams) {
        ObjectNode catalog = NODES.objectNode();
        ArrayNode list = catalog.putArray("streams");
        for (ObjectNode stream : streams) {
            list.add(stream);
        }
        return catalog.toString();
    }
}
