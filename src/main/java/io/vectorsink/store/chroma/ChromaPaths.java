package io.vectorsink.store.chroma;

import io.vectorsink.config.IndexingConfig.ChromaAuth;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.store.AuthHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/** Chroma's REST API v2 addresses and authentication headers. */
final class ChromaPaths {
    private final HttpUrl base;
    private final String tenant;
    private final String database;

    /** @param base the API root, {@link #apiBase} */
    ChromaPaths(HttpUrl base, String tenant, String database) {
        this.base = base;
        this.tenant = tenant;
        this.database = database;
    }

    HttpUrl heartbeat() {
        return base.newBuilder().addPathSegment("heartbeat").build();
    }

    HttpUrl preFlightChecks() {
        return base.newBuilder().addPathSegment("pre-flight-checks").build();
    }

    HttpUrl tenant() {
        return base.newBuilder()
                .addPathSegment("tenants")
                .addPathSegment(tenant)
                .build();
    }

    HttpUrl database() {
        return tenant().newBuilder()
                .addPathSegment("databases")
                .addPathSegment(database)
                .build();
    }

    HttpUrl collections() {
        return database().newBuilder().addPathSegment("collections").build();
    }

    /** A collection by name (for GET) or by id (as the root of record operations). */
    HttpUrl collection(String nameOrId) {
        return collections().newBuilder().addPathSegment(nameOrId).build();
    }

    /** A record operation on the collection with this id: upsert, get, delete, query, count. */
    HttpUrl records(String collectionId, String operation) {
        return collection(collectionId).newBuilder().addPathSegment(operation).build();
    }

    /**
     * The headers for {@code auth}; registers every secret with {@link Secrets} so that an echoed
     * header or token is redacted from messages.
     */
    static Headers authHeaders(ChromaAuth auth) {
        if (auth == null || auth instanceof ChromaAuth.None) {
            return Headers.of();
        }
        if (auth instanceof ChromaAuth.Token token) {
            Secrets.register(token.token()); // before the message below can show anything
            String header =
                    token.header() == null ? "authorization" : token.header().toLowerCase(Locale.ROOT);
            if (header.equals("authorization")) {
                return AuthHeaders.authorization("Bearer", token.token());
            }
            if (header.equals("x_chroma_token") || header.equals("x-chroma-token")) {
                return AuthHeaders.header("X-Chroma-Token", token.token());
            }
            throw new ConfigException(
                    "indexing.auth header must be authorization or x_chroma_token, got '" + token.header() + "'");
        }
        if (auth instanceof ChromaAuth.Basic basic) {
            return AuthHeaders.basic(basic.username(), basic.password());
        }
        throw new SystemException("unknown Chroma auth " + auth.getClass().getName());
    }

    /**
     * {@code {host}/api/v2}. A path in the host is kept as a prefix (Chroma behind a reverse proxy); a
     * host that already ends in {@code /api/v2} is accepted as is.
     */
    static HttpUrl apiBase(HttpUrl host) {
        List<String> segments = new ArrayList<>();
        for (String segment : host.pathSegments()) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        int n = segments.size();
        if (n >= 2 && segments.get(n - 2).equals("api") && segments.get(n - 1).equals("v2")) {
            segments = segments.subList(0, n - 2);
        }
        HttpUrl.Builder builder = host.newBuilder().encodedPath("/").query(null).fragment(null);
        segments.forEach(builder::addPathSegment);
        return builder.addPathSegment("api").addPathSegment("v2").build();
    }
}
