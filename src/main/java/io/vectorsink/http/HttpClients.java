package io.vectorsink.http;

import io.vectorsink.config.AdvancedConfig;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client of the process and clients derived from it. Derived clients share its
 * connection pool and dispatcher, so every service reuses warm connections and no extra threads start.
 *
 * <p>Two settings are deliberate: OkHttp's own silent retry on connection failure is off, because
 * {@link RetryPolicies} is the only retry layer (a hidden second layer would multiply attempts and
 * break the bounded total duration); and redirects are not followed, so a credential is never replayed
 * to another host and an https URL is never downgraded (a redirect is reported as a config problem).
 */
public final class HttpClients {
    private static final OkHttpClient SHARED =
            configure(new OkHttpClient.Builder(), Timeouts.defaults()).build();

    private HttpClients() {}

    /** The shared client with {@link Timeouts#defaults()}. */
    public static OkHttpClient shared() {
        return SHARED;
    }

    /**
     * The client for the embedding provider and the store of a sync: every request, connect to last
     * byte, ends within {@code advanced.requestTimeout()} ({@link Timeouts#bounded}), so a peer that goes
     * silent costs one attempt that long and no more. Shares the pool and dispatcher of {@link #shared()}.
     */
    public static OkHttpClient forConfig(AdvancedConfig advanced) {
        return withTimeouts(Timeouts.bounded(advanced.requestTimeout()));
    }

    /** A client with other timeouts that shares the pool and dispatcher of {@link #shared()}. */
    public static OkHttpClient withTimeouts(Timeouts timeouts) {
        return configure(SHARED.newBuilder(), timeouts).build();
    }

    private static OkHttpClient.Builder configure(OkHttpClient.Builder builder, Timeouts timeouts) {
        return builder.connectTimeout(timeouts.connect())
                .readTimeout(timeouts.read())
                .writeTimeout(timeouts.write())
                .callTimeout(timeouts.call())
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false);
    }

    /**
     * Per-request time limits.
     *
     * @param connect TCP and TLS connect (default 10 s)
     * @param read longest silence while reading a response (default 60 s)
     * @param write longest stall while sending a request (default 60 s)
     * @param call the whole call, connect to last byte (default 120 s); bounds a slow trickle that never
     *     trips the read timeout
     */
    public record Timeouts(Duration connect, Duration read, Duration write, Duration call) {
        public Timeouts {
            requirePositive(connect, "connect");
            requirePositive(read, "read");
            requirePositive(write, "write");
            requirePositive(call, "call");
        }

        /**
         * Every limit within {@code request}: the read, write and whole-call timeouts are {@code request}
         * (a stall and a trickle are both cut off there), the connect timeout the default 10 s or
         * {@code request} when that is shorter.
         */
        public static Timeouts bounded(Duration request) {
            Duration connect = Duration.ofSeconds(10);
            return new Timeouts(connect.compareTo(request) < 0 ? connect : request, request, request, request);
        }

        public static Timeouts defaults() {
            return new Timeouts(
                    Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(120));
        }

        private static void requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " timeout must be > 0, got " + value);
            }
        }
    }
}
