package io.vectorsink.http;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How much of its {@link RetrySettings} one call (or one write's resends of refused items) has used, and
 * the one rule for what comes after a failure:
 *
 * <ul>
 *   <li>Every failure uses up one of {@link RetrySettings#maxAttempts()}, except a 429 behind a {@link
 *       Gate} that rides rate limits: that gate has cut its limit and paused its callers, and the 429 is
 *       the provider saying "not yet", which a sync that keeps a quota full meets many times.
 *   <li>The wait is the one the answer names ({@link RateLimitHints}), plus a little upward jitter, or else
 *       exponential backoff with equal jitter ({@link RetryPolicies#backoff}).
 *   <li>A wait that would end past {@link RetrySettings#maxDuration()} is not started: the call fails now
 *       rather than after a wait that cannot help.
 * </ul>
 *
 * <p>Failsafe used to count the attempts here. It no longer does: its policy counts every failure alike
 * (the exception for a gate's 429s had to live outside it), measures time on its own clock (a fake clock
 * could not drive it, and near the bound it shortened a wait to fit instead of not starting it), and its
 * jitter may shorten a {@code Retry-After}. What was left for it, counting to ten, is an int.
 *
 * <p>Not thread-safe: one per call, or one per write whose sends are made one after another.
 */
final class RetryBudget {
    private final RetrySettings settings;
    private final RetryTiming timing;
    private final long start;
    private int attempt = 1;
    private int failures;

    RetryBudget(RetrySettings settings, RetryTiming timing) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.start = timing.nanoTime().getAsLong();
    }

    /** Whether a failed attempt uses up one of the attempts: see the class comment. */
    static boolean usesAnAttempt(boolean rateLimited, Gate gate) {
        return !(rateLimited && gate.ridesRateLimits());
    }

    /** The number of the current attempt, the first being 1. */
    int attempt() {
        return attempt;
    }

    Duration elapsed() {
        return Duration.ofNanos(timing.nanoTime().getAsLong() - start);
    }

    /** The time left before {@link RetrySettings#maxDuration()}, never less than 1 ms. */
    Duration left() {
        Duration left = settings.maxDuration().minus(elapsed());
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    /**
     * What follows the failure of the current attempt: the wait before the next, and why there is no next
     * when the attempts or the time are used up. Changes nothing; {@link #advance} records the failure.
     *
     * @param counts whether the failure uses up an attempt ({@link #usesAnAttempt})
     * @param hint the wait the answer named, if any
     */
    Next next(boolean counts, Optional<Duration> hint) {
        double random = timing.random().getAsDouble();
        Duration delay = hint.isPresent()
                ? RetryPolicies.withUpwardJitter(hint.get(), random)
                : RetryPolicies.backoff(attempt, settings, random);
        if (counts && failures + 1 >= settings.maxAttempts()) {
            return new Next(delay, Optional.of(""));
        }
        if (elapsed().plus(delay).compareTo(settings.maxDuration()) > 0) {
            return new Next(
                    delay,
                    Optional.of(" and the next wait (" + seconds(delay) + ") would pass the retry limit of "
                            + seconds(settings.maxDuration())));
        }
        return new Next(delay, Optional.empty());
    }

    /** Records the failure of the current attempt and starts counting the next. */
    void advance(boolean counts) {
        if (counts) {
            failures++;
        }
        attempt++;
    }

    /** The failures that used up an attempt so far. */
    int failures() {
        return failures;
    }

    /** A duration as users read it in messages: "4.2 s". */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /**
     * @param delay the wait before the next attempt
     * @param stop why there is no next attempt ("" when the attempts are used up), empty when there is
     */
    record Next(Duration delay, Optional<String> stop) {}
}
