package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.SystemException;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AdaptiveLimiterTest {
    private final FakeRetryTiming clock = new FakeRetryTiming();

    private AdaptiveLimiter limiter(int ceiling) {
        return new AdaptiveLimiter(ceiling, 0.5, clock.timing());
    }

    private static List<AdaptiveLimiter.Permit> acquire(AdaptiveLimiter limiter, int count) {
        List<AdaptiveLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            permits.add(limiter.acquire());
        }
        return permits;
    }

    @Test
    void should_start_at_the_ceiling() {
        AdaptiveLimiter limiter = limiter(8);

        acquire(limiter, 8);

        assertThat(limiter.limit()).isEqualTo(8);
        assertThat(limiter.inFlight()).isEqualTo(8);
    }

    @Test
    void should_cut_the_limit_once_when_a_burst_of_requests_is_rate_limited() {
        AdaptiveLimiter limiter = limiter(8);
        List<AdaptiveLimiter.Permit> permits = acquire(limiter, 8);

        List<Boolean> cuts = new ArrayList<>();
        permits.forEach(permit -> cuts.add(permit.overloaded()));

        assertThat(cuts).containsExactly(true, false, false, false, false, false, false, false);
        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_cut_again_when_a_request_started_after_the_cut_is_rate_limited() {
        AdaptiveLimiter limiter = limiter(8);
        limiter.acquire().overloaded();

        boolean cut = limiter.acquire().overloaded();

        assertThat(cut).isTrue();
        assertThat(limiter.limit()).isEqualTo(2);
    }

    @Test
    void should_never_go_below_one() {
        AdaptiveLimiter limiter = limiter(2);
        for (int i = 0; i < 10; i++) {
            limiter.acquire().overloaded();
        }

        assertThat(limiter.limit()).isEqualTo(1);
        assertThat(acquire(limiter, 1)).hasSize(1);
    }

    @Test
    void should_grow_by_about_one_per_round_trip_of_successes_up_to_the_ceiling() {
        AdaptiveLimiter limiter = limiter(16);
        limiter.acquire().overloaded(); // 16 -> 8

        // 8 successes at limit 8 add 8 * 1/8 (a little less, as the limit grows on the way).
        acquire(limiter, 8).forEach(AdaptiveLimiter.Permit::succeeded);
        int afterOneRound = limiter.limit();
        for (int i = 0; i < 1000; i++) {
            limiter.acquire().succeeded();
        }

        assertThat(afterOneRound).isEqualTo(8);
        assertThat(limiter.limit()).isEqualTo(16);
    }

    @Test
    void should_leave_the_limit_alone_when_a_request_fails_for_another_reason() {
        AdaptiveLimiter limiter = limiter(4);
        limiter.acquire().overloaded();

        limiter.acquire().ignored();

        assertThat(limiter.limit()).isEqualTo(2);
    }

    @Test
    void should_refuse_to_release_a_permit_twice() {
        AdaptiveLimiter.Permit permit = limiter(2).acquire();
        permit.succeeded();

        assertThatThrownBy(permit::succeeded).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void should_hold_back_new_requests_while_paused() {
        AdaptiveLimiter limiter = limiter(4);
        limiter.pause(Duration.ofSeconds(3));
        limiter.pause(Duration.ofSeconds(1)); // a shorter pause does not end the longer one

        limiter.acquire().succeeded();
        limiter.acquire().succeeded();

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void should_let_a_waiting_request_start_when_another_finishes() throws InterruptedException {
        AdaptiveLimiter limiter = limiter(1);
        AdaptiveLimiter.Permit first = limiter.acquire();
        AtomicReference<AdaptiveLimiter.Permit> second = new AtomicReference<>();
        Thread waiter = new Thread(() -> second.set(limiter.acquire()));
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }

        assertThat(second.get()).isNull();
        first.succeeded();
        waiter.join();

        assertThat(second.get()).isNotNull();
        assertThat(limiter.inFlight()).isEqualTo(1);
    }

    @Test
    void should_keep_the_interrupt_flag_when_interrupted_while_waiting() throws InterruptedException {
        AdaptiveLimiter limiter = limiter(1);
        limiter.acquire();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                limiter.acquire();
            } catch (SystemException e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        waiter.join();

        assertThat(thrown.get()).hasMessageContaining("Interrupted");
        assertThat(flag.get()).isTrue();
    }

    @Test
    void should_refuse_a_ceiling_below_one_or_a_decrease_outside_zero_and_one() {
        assertThatThrownBy(() -> new AdaptiveLimiter(0, 0.5, clock.timing()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdaptiveLimiter(2, 1.0, clock.timing()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
