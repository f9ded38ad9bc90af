package io.vectorsink.store.qdrant;

/**
 * The whole Qdrant contract again with {@code payload_layout: flat} (the metadata at the top of the payload beside
 * {@code text}, Airbyte's layout): every filter, index, lookup and payload update must find the connector's fields
 * there too.
 */
class QdrantFlatContractTest extends QdrantContractTest {
    @Override
    String payloadLayout() {
        return "flat";
    }

    @Override
    QdrantLayout layout() {
        return QdrantLayout.FLAT;
    }
}
