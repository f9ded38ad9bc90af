package io.vectorsink.store.qdrant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payload layout: LangChain's nested layout for a new collection, an existing collection's layout and text
 * key adopted where the config leaves them open, and refused, naming the option, where the config says otherwise.
 */
class QdrantLayoutTest {
    private static QdrantFake fake;
    private static WireMockServer server;

    @BeforeAll
    static void startFake() {
        fake = new QdrantFake(null);
        server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(fake, QdrantContractTest.API));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse()));
    }

    @AfterAll
    static void stopFake() {
        server.stop();
    }

    @AfterEach
    void exchangesMatchQdrantsDefinition() {
        QdrantContractTest.API.assertAllValid();
    }

    private static QdrantVectorStore store(String collection, String textField, String layout) {
        return new QdrantVectorStore(
                new IndexingConfig.Qdrant(server.baseUrl(), null, collection, "cosine", textField, layout),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("Qdrant", AdvancedConfig.defaults()));
    }

    /** A collection {@code layout} wrote one chunk into, with vectorsink's payload indexes. */
    private static String existing(String textField, String layout) {
        String collection = "layout-" + UUID.randomUUID();
        QdrantVectorStore writer = store(collection, textField, layout);
        writer.prepare(3);
        writer.upsert(List.of(VectorStoreContract.chunk(VectorStoreContract.STREAM, "r1", 0, 1, "s", 1, 1, 0)));
        return collection;
    }

    private static JsonNode onlyPayload(String collection) {
        return fake.payloads(collection).values().iterator().next();
    }

    @Test
    void should_write_langchains_nested_layout_into_a_new_collection() {
        String collection = existing(null, null);

        JsonNode payload = onlyPayload(collection);
        assertThat(payload.path("page_content").asText()).isEqualTo("r1 chunk 0");
        assertThat(payload.path("metadata").path(ChunkFields.RECORD_ID).asText())
                .isEqualTo("r1");
        assertThat(payload.has(ChunkFields.RECORD_ID)).isFalse();
    }

    @Test
    void should_adopt_an_existing_flat_collection_when_the_layout_is_left_open() {
        String collection = existing(null, "flat");
        QdrantVectorStore store = store(collection, null, null);

        store.check(3);
        assertThat(store.layout()).isEqualTo(QdrantLayout.FLAT);
        store.prepare(3);
        store.upsert(List.of(VectorStoreContract.chunk(VectorStoreContract.STREAM, "r2", 0, 1, "s", 1, 0, 1)));

        assertThat(fake.payloads(collection).values()).allSatisfy(payload -> assertThat(
                        payload.path(ChunkFields.RECORD_ID).isTextual())
                .isTrue());
        assertThat(store.lookup(VectorStoreContract.STREAM, List.of("r1", "r2")))
                .containsOnlyKeys("r1", "r2");
    }

    @Test
    void should_refuse_a_layout_other_than_the_collections_naming_payload_layout() {
        String collection = existing(null, "flat");

        assertThatThrownBy(() -> store(collection, null, "nested").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flat payload layout")
                .hasMessageContaining("set payload_layout to flat");
    }

    @Test
    void should_refuse_a_text_field_other_than_the_collections_naming_text_field() {
        String collection = existing(null, null); // nested, page_content

        assertThatThrownBy(() -> store(collection, "body", null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'page_content'")
                .hasMessageContaining("set text_field to page_content");
    }

    @Test
    void should_read_the_layout_and_text_key_of_a_collection_without_vectorsinks_indexes_from_a_point() {
        String collection = "airbyte-" + UUID.randomUUID();
        QdrantVectorStore airbyte = store(collection, "text_segment", "flat"); // as LangChain4j writes it
        airbyte.prepare(3);
        ChunkPoint chunk = LookupContract.hashed(VectorStoreContract.STREAM, "r1", 0, 1, 1, "s");
        airbyte.upsert(List.of(chunk));
        fake.dropPayloadIndexes(collection); // as a collection another writer made

        QdrantVectorStore store = store(collection, null, null);
        store.check(3);

        assertThat(store.layout()).isEqualTo(new QdrantLayout("text_segment", null));
    }

    @Test
    void should_refuse_a_text_field_that_is_not_a_plain_name() {
        assertThatThrownBy(() -> store("c", "metadata.text", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("text_field");
        assertThatThrownBy(() -> store("c", "_ab_text", null)).hasMessageContaining("_ab_");
    }
}
