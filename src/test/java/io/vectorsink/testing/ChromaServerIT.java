package io.vectorsink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ChromaServerIT {
    @Test
    void should_run_chroma_as_the_started_process_and_stop_it_on_close() throws Exception {
        ChromaServer server = ChromaServer.start();
        ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
        try {
            HttpResponse<String> heartbeat = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/api/v2/heartbeat"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(heartbeat.statusCode()).isEqualTo(200);
            assertThat(handle.info().commandLine().orElse("")).contains("chroma", "run", "--port");
            // No wrapper: the process we hold is the server, so stopping it stops Chroma.
            assertThat(handle.descendants()).isEmpty();
        } finally {
            server.close();
        }

        assertThat(server.isAlive()).isFalse();
        assertThat(handle.isAlive()).isFalse();
    }

    @Test
    void should_share_one_server_per_jvm() {
        assertThat(ChromaServer.shared()).isSameAs(ChromaServer.shared());
        assertThat(ChromaServer.shared().isAlive()).isTrue();
    }
}
