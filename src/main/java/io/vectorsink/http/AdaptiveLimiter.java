package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many requests to one provider may be in flight at once, adapted to what the provider accepts
 * (additive increase, multiplicative decrease, as TCP congestion control does).
 *
 * <ul>
 *   <li>Every success raises the limit by {@code 1 / limit}, so a fully used limit grows by about one
 *       per round trip: slow, so the sync creeps back towards the provider's quota instead of hitting
 *       it again at once.
 *   <li>A rate-limit answer (429) multiplies the limit by {@link #decrease()}, never below 1. Only the
 *       first 429 among requests that were already in flight when the limit last changed counts: a burst
 *       of 429s for one overload cuts once, not once per request.
 *   <li>{@link #pause} holds back every new request until the time the provider asked for has passed,
 *       so the other callers do not spend their own attempts learning the same thing.
 * </ul>
 *
 * The limit is the number of requests that may be on the wire; callers that wait for a permit hold
 * none, and a request waiting to retry gives its permit back first. Thread-safe. Time comes from a
 * {@link RetryTiming}, so tests observe pauses instead of sleeping through them.
 */
public final class AdaptiveLimiter implements Gate {
    private final int ceiling;
    private final double decrease;
    private final RetryTiming timing;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private double limit;
    private int inFlight;
    private long pausedUntilNanos;
    private boolean paused;
    private long generation;

    /**
     * @param ceiling the most requests in flight, whatever the provider accepts (also the starting limit)
     * @param decrease the factor a 429 multiplies the limit by, in (0, 1)
     */
    public AdaptiveLimiter(int ceiling, double decrease, RetryTiming timing) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("the concurrency ceiling must be at least 1, got " + ceiling);
        }
        if (!(decrease > 0 && decrease < 1)) {
            throw new IllegalArgumentException("the decrease factor must be in (0, 1), got " + decrease);
        }
        this.ceiling = ceiling;
        this.decrease = decrease;
        this.timing = Objects.requireNonNull(timing, "timing");
        this.limit = ceiling;
    }

    /** A limiter that starts at {@code ceiling} and cuts by a quarter on each overload. */
    public static AdaptiveLimiter startingAt(int ceiling, RetryTiming timing) {
        return new AdaptiveLimiter(ceiling, 0.75, timing);
    }

    /**
     * Waits until a request may start: no pause is in force and fewer than {@link #limit()} requests
     * are in flight. The caller must {@link Permit#release} the permit exactly once.
     *
     * @throws SystemException when the thread is interrupted while waiting (the flag is restored)
     */
    public Permit acquire() {
        lock.lock();
        try {
            while (true) {
                long wait = pausedUntilNanos - timing.nanoTime().getAsLong();
                if (paused && wait > 0) {
                    lock.unlock();
                    try {
                        timing.sleeper().sleep(Duration.ofNanos(wait));
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                paused = false;
                if (inFlight < allowed()) {
                    inFlight++;
                    return new Permit(generation);
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while waiting to send an embedding request", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Permit enter() {
        return acquire();
    }

    /** Always: a 429 cuts the limit, and the one that cuts pauses every caller. */
    @Override
    public boolean ridesRateLimits() {
        return true;
    }

    /**
     * Holds back every request that has not started yet until {@code duration} from now (or longer, if
     * a pause already in force ends later).
     */
    @Override
    public void pause(Duration duration) {
        lock.lock();
        try {
            long until = timing.nanoTime().getAsLong() + duration.toNanos();
            if (!paused || until > pausedUntilNanos) {
                pausedUntilNanos = until;
                paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The current limit, rounded down: how many requests may be in flight now. */
    @Override
    public int limit() {
        lock.lock();
        try {
            return allowed();
        } finally {
            lock.unlock();
        }
    }

    /** Requests in flight now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    public int ceiling() {
        return ceiling;
    }

    public double decrease() {
        return decrease;
    }

    private int allowed() {
        return Math.max(1, (int) Math.floor(limit + 1e-9));
    }

    /** The right to have one request in flight. */
    public final class Permit implements Gate.Pass {
        private final long startedInGeneration;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(long generation) {
            this.startedInGeneration = generation;
        }

        /** The request succeeded (or failed in a way that says nothing about load): grow the limit. */
        @Override
        public void succeeded() {
            release(Outcome.SUCCESS);
        }

        /**
         * The provider answered 429: shrink the limit, unless a 429 from a request that started before
         * has already shrunk it for the same overload.
         *
         * @return whether this answer changed the limit
         */
        @Override
        public boolean overloaded() {
            return release(Outcome.OVERLOAD);
        }

        /** The request failed for another reason (5xx, timeout): give the permit back, limit unchanged. */
        @Override
        public void ignored() {
            release(Outcome.NEUTRAL);
        }

        private boolean release(Outcome outcome) {
            if (!released.compareAndSet(false, true)) {
                throw new IllegalStateException("a permit was released twice");
            }
            lock.lock();
            try {
                inFlight--;
                boolean cut = false;
                if (outcome == Outcome.SUCCESS && limit < ceiling) {
                    limit = Math.min(ceiling, limit + 1 / limit);
                } else if (outcome == Outcome.OVERLOAD && startedInGeneration == generation) {
                    limit = Math.max(1, limit * decrease);
                    generation++;
                    cut = true;
                }
                changed.signalAll();
                return cut;
            } finally {
                lock.unlock();
            }
        }
    }

    private enum Outcome {
        SUCCESS,
        OVERLOAD,
        NEUTRAL
    }
}
