package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.RecordedModel;
import io.vectorsink.store.StoreJson;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The embedding model in an index's mapping {@code _meta}, which OpenSearch and Elasticsearch keep with the
 * mapping and never interpret; {@code PUT /{index}/_mapping} replaces it whole, so other keys are carried over.
 */
final class ModelMeta {
    private ModelMeta() {}

    /** The create-index body {@code createBody} with the model in {@code mappings._meta}. */
    static byte[] withModel(byte[] createBody, EmbeddingModel model) {
        try {
            ObjectNode body = (ObjectNode) Json.MAPPER.readTree(createBody);
            ObjectNode mappings = body.has("mappings") ? (ObjectNode) body.get("mappings") : body.putObject("mappings");
            mappings.set("_meta", Json.MAPPER.valueToTree(RecordedModel.fields(model)));
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException | ClassCastException e) {
            throw new SystemException("could not add the embedding model to the create-index body", e);
        }
    }

    /** The model recorded in an index description's ({@code GET /{index}}, one concrete index) mapping. */
    static Optional<RecordedModel> recorded(JsonNode concrete) {
        return RecordedModel.fromFields(
                StoreJson.metadata(concrete.path("mappings").path("_meta"), Set.of()));
    }

    /** {@code PUT /{index}/_mapping} body that sets the model in {@code _meta}, keeping its other keys. */
    static byte[] putModel(JsonNode concrete, EmbeddingModel model) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode meta = body.putObject("_meta");
        JsonNode existing = concrete.path("mappings").path("_meta");
        if (existing.isObject()) {
            meta.setAll((ObjectNode) existing.deepCopy());
        }
        meta.setAll((ObjectNode) Json.MAPPER.valueToTree(RecordedModel.fields(model)));
        return StoreJson.write(body, "a mapping update");
    }
}
