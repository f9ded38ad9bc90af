package io.vectorsink.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Where retries get time and randomness from. Production uses the system clock, {@link Thread#sleep}
 * and a thread-local random; tests pass a fake that records the waits instead of sleeping.
 *
 * @param wallClock "now" for {@code Retry-After} HTTP-dates
 * @param nanoTime a monotonic clock that measures the total retry duration
 * @param sleeper waits between attempts
 * @param random values in [0, 1) for jitter
 */
public record RetryTiming(Clock wallClock, LongSupplier nanoTime, Sleeper sleeper, DoubleSupplier random) {
    public RetryTiming {
        Objects.requireNonNull(wallClock, "wallClock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(random, "random");
    }

    public static RetryTiming system() {
        return new RetryTiming(
                Clock.systemUTC(),
                System::nanoTime,
                duration -> Thread.sleep(duration.toMillis()),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Waits between attempts. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }
}
