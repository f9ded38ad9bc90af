package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final FakeRetryTiming clock = new FakeRetryTiming();
    private final AdaptiveLimiter limiter = new AdaptiveLimiter(4, 0.5, clock.timing());

    private RetryBudget budget(int attempts, Duration bound) {
        return new RetryBudget(
                new RetrySettings("X", attempts, Duration.ofMillis(500), Duration.ofSeconds(30), bound),
                clock.timing());
    }

    @Test
    void should_count_every_failure_except_a_429_behind_a_gate_that_rides_rate_limits() {
        assertThat(RetryBudget.usesAnAttempt(false, Gate.OPEN)).isTrue();
        assertThat(RetryBudget.usesAnAttempt(true, Gate.OPEN)).isTrue();
        assertThat(RetryBudget.usesAnAttempt(false, limiter)).isTrue();
        assertThat(RetryBudget.usesAnAttempt(true, limiter)).isFalse();
    }

    @Test
    void should_stop_when_the_failures_that_count_use_up_the_attempts() {
        RetryBudget budget = budget(2, Duration.ofMinutes(5));

        assertThat(budget.next(true, Optional.empty()).stop()).isEmpty();
        budget.advance(false);
        budget.advance(false);
        // Failures that do not count leave the attempts untouched, but each send still backs off further.
        assertThat(budget.attempt()).isEqualTo(3);
        assertThat(budget.next(false, Optional.empty()).delay()).isEqualTo(Duration.ofMillis(1000));
        budget.advance(true);

        assertThat(budget.next(false, Optional.empty()).stop()).isEmpty();
        assertThat(budget.next(true, Optional.empty()).stop()).contains("");
        assertThat(budget.next(true, Optional.empty()).stop())
                .as("asking again changes nothing")
                .contains("");
    }

    @Test
    void should_wait_the_named_time_with_upward_jitter_only() {
        RetryBudget budget = new RetryBudget(
                new RetrySettings("X", 5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5)),
                new FakeRetryTiming(0.5).timing());

        assertThat(budget.next(true, Optional.of(Duration.ofSeconds(4))).delay())
                .isEqualTo(Duration.ofMillis(4200));
    }

    @Test
    void should_not_start_a_wait_that_would_end_past_the_bound() throws InterruptedException {
        RetryBudget budget = budget(10, Duration.ofSeconds(10));
        clock.timing().sleeper().sleep(Duration.ofSeconds(7));

        RetryBudget.Next next = budget.next(true, Optional.of(Duration.ofSeconds(4)));

        assertThat(next.delay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(next.stop()).contains(" and the next wait (4.0 s) would pass the retry limit of 10.0 s");
        assertThat(budget.left()).isEqualTo(Duration.ofSeconds(3));
    }
}
