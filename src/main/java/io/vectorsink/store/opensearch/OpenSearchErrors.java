package io.vectorsink.store.opensearch;

import io.vectorsink.http.HttpStatus;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an OpenSearch or Elasticsearch error answer says, for messages. */
final class OpenSearchErrors {
    /**
     * The first {@code "reason"} of an error body ({@code {"error": {"root_cause": [{"type": ..., "reason":
     * ...}]}}}), read from the start of the body that {@link HttpStatus} keeps (redacted, cut at 500
     * characters).
     */
    private static final Pattern REASON = Pattern.compile("\"reason\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,400})\"");

    private OpenSearchErrors() {}

    /**
     * The server's reason for a refusal, such as Elasticsearch's "action [cluster:monitor/main] is unauthorized
     * for user [u] ..., this action is granted by the cluster privileges [monitor,manage,all]"; empty when the
     * body has none.
     */
    static Optional<String> reason(HttpStatus status) {
        Matcher matcher = REASON.matcher(status.bodySnippet());
        return matcher.find() ? Optional.of(matcher.group(1).replace("\\\"", "\"")) : Optional.empty();
    }
}
