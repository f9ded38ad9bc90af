package io.vectorsink.store.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.http.HttpStatus;
import io.vectorsink.store.opensearch.OpenSearchRoot.Root;
import org.junit.jupiter.api.Test;

/** Reading refusals: the server's reason, and which server refused when no header says so. */
class OpenSearchErrorsTest {
    /** Elasticsearch 8.19's answer to GET / for a user without the monitor privilege (from the test node). */
    static final String ELASTICSEARCH_403 = "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":"
            + "\"action [cluster:monitor/main] is unauthorized for user [nomon] with effective roles [vs_nomon],"
            + " this action is granted by the cluster privileges [monitor,manage,all]\"}],\"type\":"
            + "\"security_exception\",\"reason\":\"action [cluster:monitor/main] is unauthorized\"},\"status\":403}";

    /** OpenSearch's security plugin, as its documentation shows a missing permission. */
    static final String OPENSEARCH_403 = "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":"
            + "\"no permissions for [cluster:monitor/main] and User [name=writer, backend_roles=[],"
            + " requestedTenant=null]\"}],\"type\":\"security_exception\",\"reason\":\"no permissions for"
            + " [cluster:monitor/main]\"},\"status\":403}";

    @Test
    void should_read_the_first_reason_of_an_error_body() {
        assertThat(OpenSearchErrors.reason(new HttpStatus(403, ELASTICSEARCH_403)))
                .hasValue("action [cluster:monitor/main] is unauthorized for user [nomon] with effective roles"
                        + " [vs_nomon], this action is granted by the cluster privileges [monitor,manage,all]");
        assertThat(OpenSearchErrors.reason(new HttpStatus(403, "Forbidden"))).isEmpty();
    }

    @Test
    void should_tell_the_server_from_the_wording_of_a_refusal() {
        assertThat(Root.productOfRefusal(new HttpStatus(403, ELASTICSEARCH_403)))
                .isEqualTo("Elasticsearch");
        assertThat(Root.productOfRefusal(new HttpStatus(
                        401,
                        "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"unable to"
                                + " authenticate user [writer] for REST request [/]\"}]},\"status\":401}")))
                .isEqualTo("Elasticsearch");
        assertThat(Root.productOfRefusal(new HttpStatus(403, OPENSEARCH_403))).isEqualTo("OpenSearch");
        assertThat(Root.productOfRefusal(new HttpStatus(401, "Unauthorized"))).isEqualTo("OpenSearch");
        assertThat(Root.productOfRefusal(new HttpStatus(401, ""))).isEqualTo(OpenSearchVectorStore.SERVICE);
    }
}
