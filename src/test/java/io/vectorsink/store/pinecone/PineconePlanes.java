package io.vectorsink.store.pinecone;

import io.vectorsink.testing.ApiDefinition;
import io.vectorsink.testing.ExchangeCheck;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of Pinecone's two definitions describes a request to a stand-in: the control plane's paths start
 * with {@code /indexes}; the fakes serve an index's host (the data plane) under {@code /data/{index}}, and
 * the stubs at their root.
 */
final class PineconePlanes {
    private static final Pattern DATA_PLANE = Pattern.compile("/data/[^/]+(/.*)");

    /** The API version of the definitions, which every request must name. */
    static final String VERSION = "2026-04";

    private final ApiDefinition control = ApiDefinition.load("vendor-api/pinecone/db_control_" + VERSION + ".oas.yaml")
            .requiringHeader("X-Pinecone-Api-Version", VERSION);
    private final ApiDefinition data = ApiDefinition.load("vendor-api/pinecone/db_data_" + VERSION + ".oas.yaml")
            .requiringHeader("X-Pinecone-Api-Version", VERSION);

    Optional<ExchangeCheck.Route> route(String path) {
        Matcher matcher = DATA_PLANE.matcher(path);
        if (matcher.matches()) {
            return Optional.of(new ExchangeCheck.Route(data, matcher.group(1)));
        }
        return Optional.of(new ExchangeCheck.Route(path.startsWith("/indexes") ? control : data, path));
    }
}
