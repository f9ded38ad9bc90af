package io.vectorsink.http;

import java.time.Duration;

/**
 * What an attempt of {@link HttpService} holds while it is on the wire: nothing ({@link #OPEN}, for
 * stores), or a permit of an {@link AdaptiveLimiter} (for embedding providers with quotas). A gate that
 * {@linkplain #ridesRateLimits() rides rate limits} learns from every 429 and holds back every caller for
 * the wait the provider named; then a 429 is the provider saying "not yet", not a failed attempt.
 */
public interface Gate {
    /** No gate: attempts go out at once, and a 429 is a failure like any other. */
    Gate OPEN = new Gate() {
        private final Pass pass = new Pass() {
            @Override
            public void succeeded() {}

            @Override
            public boolean overloaded() {
                return false;
            }

            @Override
            public void ignored() {}
        };

        @Override
        public Pass enter() {
            return pass;
        }

        @Override
        public boolean ridesRateLimits() {
            return false;
        }

        @Override
        public void pause(Duration duration) {}

        @Override
        public int limit() {
            return Integer.MAX_VALUE;
        }
    };

    /** Waits until an attempt may go out; the caller releases the pass exactly once. */
    Pass enter();

    /** Whether this gate adapts to 429 answers, so that they do not use up attempts. */
    boolean ridesRateLimits();

    /** Holds back every attempt that has not started yet for {@code duration}. */
    void pause(Duration duration);

    /** How many attempts may be on the wire now, for messages. */
    int limit();

    /** The right to have one attempt on the wire, released with what its answer says about load. */
    interface Pass {
        /** The attempt ended with an answer that is not worth a retry. */
        void succeeded();

        /**
         * The attempt was answered 429.
         *
         * @return whether this answer changed the gate's limit (then it also pauses every caller)
         */
        boolean overloaded();

        /** The attempt failed for a reason that says nothing about load (5xx, timeout). */
        void ignored();
    }
}
