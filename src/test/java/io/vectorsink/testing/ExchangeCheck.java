package io.vectorsink.testing;

import com.github.tomakehurst.wiremock.common.Metadata;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks every exchange a WireMock server serves (a vendor stand-in, or a test's stubs for that vendor)
 * against the vendor's {@link ApiDefinition}: the request the connector sent and the answer it got. A
 * mismatch is kept and fails the test that caused it when it calls {@link #assertAllValid} (the contract
 * suite does after each test). An answer a test injects on purpose as a fault (a proxy's bare 503, an HTML
 * error page, an answer the vendor would not give) is marked with {@link #FAULT} on its stub: its request is
 * still checked, the answer is not.
 *
 * <p>Register one instance as a WireMock extension on each server that stands in for the vendor.
 */
public final class ExchangeCheck implements ServeEventListener {
    /** Stub metadata for an answer that is a fault injected by the test, not one the vendor's definition describes. */
    public static final Metadata FAULT =
            Metadata.metadata().attr("vendor-api", "fault").build();

    /** Where a request's path leads: the definition that describes it and the path as that definition names it. */
    public record Route(ApiDefinition definition, String path) {}

    private final String vendor;
    private final Function<String, Optional<Route>> router;
    private final List<String> mismatches = new ArrayList<>();
    private final Map<String, int[]> checked = new LinkedHashMap<>();

    private ExchangeCheck(String vendor, Function<String, Optional<Route>> router) {
        this.vendor = vendor;
        this.router = router;
    }

    /** Checks every exchange against {@code definition}, at the paths the definition names. */
    public static ExchangeCheck against(String vendor, ApiDefinition definition) {
        return new ExchangeCheck(vendor, path -> Optional.of(new Route(definition, path)));
    }

    /** Checks every exchange under {@code prefix} against {@code definition}, whose paths leave the prefix out. */
    public static ExchangeCheck under(String vendor, String prefix, ApiDefinition definition) {
        return new ExchangeCheck(
                vendor,
                path -> path.startsWith(prefix + "/")
                        ? Optional.of(new Route(definition, path.substring(prefix.length())))
                        : Optional.empty());
    }

    /** Checks every exchange against the definition {@code router} chooses for its path (several planes). */
    public static ExchangeCheck routed(String vendor, Function<String, Optional<Route>> router) {
        return new ExchangeCheck(vendor, router);
    }

    @Override
    public String getName() {
        return "vendor-api-check";
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public void beforeResponseSent(ServeEvent event, Parameters parameters) {
        // Before the answer leaves: a test that saw the answer finds its mismatches already recorded.
        check(event.getRequest(), event.getResponse(), isFault(event.getStubMapping()));
    }

    private static boolean isFault(StubMapping stub) {
        return stub != null
                && stub.getMetadata() != null
                && "fault".equals(stub.getMetadata().getString("vendor-api", ""));
    }

    private void check(LoggedRequest request, LoggedResponse response, boolean fault) {
        String path = URI.create(request.getUrl()).getPath();
        String exchange = request.getMethod().getName() + " " + request.getUrl();
        Optional<Route> route = router.apply(path);
        if (route.isEmpty()) {
            record(exchange, List.of("no operation of the " + vendor + " API definitions serves " + path), null, fault);
            return;
        }
        Optional<LoggedResponse> answer = fault || response == null ? Optional.empty() : Optional.of(response);
        List<String> found;
        try {
            found = route.get().definition().mismatches(request, route.get().path(), answer);
        } catch (RuntimeException e) {
            found = List.of("the validator failed: " + e);
        }
        record(exchange + (answer.isPresent() ? " -> " + response.getStatus() : ""), found, route.get(), fault);
    }

    private synchronized void record(String exchange, List<String> found, Route route, boolean fault) {
        if (route != null) {
            int[] counts = checked.computeIfAbsent(route.definition().resource(), k -> new int[2]);
            counts[0]++;
            if (!fault) {
                counts[1]++;
            }
        }
        found.forEach(mismatch -> mismatches.add(exchange + ": " + mismatch));
    }

    /** Fails with every mismatch seen since the last call, and forgets them. */
    public synchronized void assertAllValid() {
        if (mismatches.isEmpty()) {
            return;
        }
        List<String> seen = List.copyOf(mismatches);
        mismatches.clear();
        throw new AssertionError(vendor + " exchanges that do not match the vendor's API definition:\n  "
                + String.join("\n  ", seen.subList(0, Math.min(seen.size(), 20)))
                + (seen.size() > 20 ? "\n  ... and " + (seen.size() - 20) + " more" : ""));
    }

    /** How many exchanges were checked, per definition: requests, and answers among them. */
    public synchronized String summary() {
        StringBuilder out = new StringBuilder(vendor + ":");
        checked.forEach((resource, counts) -> out.append(" ")
                .append(counts[0])
                .append(" requests and ")
                .append(counts[1])
                .append(" answers checked against ")
                .append(resource)
                .append(";"));
        return out.toString();
    }
}
