package io.vectorsink.store.milvus;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import io.vectorsink.config.IndexingConfig;
import io.vectorsink.store.VectorStore;
import org.junit.jupiter.api.Test;

/**
 * The whole store contract, lookups included, with every metadata key in one JSON field {@code metadata}
 * (LangChain4j's layout, {@code indexing.metadata_field}): writes, trims, stale deletes, queries and
 * lookups all go through the field's keys.
 */
class MilvusNestedMetadataContractTest extends MilvusContractTest {
    @Override
    IndexingConfig.MilvusFields fields() {
        return new IndexingConfig.MilvusFields(null, null, null, "metadata");
    }

    @Test
    @Override
    void should_create_a_collection_with_a_varchar_key_a_float_vector_and_dynamic_fields() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "ip");

        store.prepare(3);

        server.verify(postRequestedFor(urlEqualTo("/v2/vectordb/collections/create"))
                .withRequestBody(
                        equalToJson(createBody(collection, ",{\"fieldName\":\"metadata\",\"dataType\":\"JSON\"}"))));
    }
}
