package io.vectorsink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Airbyte's own files that tests use, copied into {@code src/test/resources/airbyte/} (see the NOTICE.md
 * there for their origin and license) and read from the test classpath, so the tests need nothing outside
 * the repository.
 */
public final class AirbyteFiles {
    private AirbyteFiles() {}

    /** The bundled JSON Schema of a connector's {@code metadata.yaml}. */
    public static String metadataSchema() {
        return read("metadata/ConnectorMetadataDefinitionV0.json");
    }

    /** The edge-case messages of Airbyte's destination acceptance tests, one message per line. */
    public static String edgeCaseMessages() {
        return read("fixtures/edge_case_messages.txt");
    }

    private static String read(String path) {
        String resource = "/airbyte/" + path;
        try (InputStream in = AirbyteFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }
}
