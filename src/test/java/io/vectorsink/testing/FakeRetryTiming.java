package io.vectorsink.testing;

import io.vectorsink.http.RetryTiming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retry timing for tests: waits are recorded and advance a fake monotonic clock instead of sleeping;
 * the wall clock is fixed; jitter draws a fixed value (0 by default, so delays are exact).
 */
public final class FakeRetryTiming {
    public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final List<Duration> sleeps = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final RetryTiming timing;

    public FakeRetryTiming() {
        this(0.0);
    }

    public FakeRetryTiming(double random) {
        this.timing = new RetryTiming(
                Clock.fixed(NOW, ZoneOffset.UTC),
                nanos::get,
                duration -> {
                    synchronized (sleeps) {
                        sleeps.add(duration);
                    }
                    nanos.addAndGet(duration.toNanos());
                },
                () -> random);
    }

    public RetryTiming timing() {
        return timing;
    }

    /** Every wait asked for, in order. */
    public List<Duration> sleeps() {
        synchronized (sleeps) {
            return List.copyOf(sleeps);
        }
    }

    /** The sum of the waits: the retry time that would have passed. */
    public Duration slept() {
        return sleeps().stream().reduce(Duration.ZERO, Duration::plus);
    }
}
