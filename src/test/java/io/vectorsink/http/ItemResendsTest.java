package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.TransientException;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ItemResendsTest {
    private final FakeRetryTiming clock = new FakeRetryTiming();

    private HttpService http(int attempts, Duration bound) {
        return new HttpService(
                HttpClients.shared(),
                new RetrySettings("Store", attempts, Duration.ofMillis(500), Duration.ofSeconds(30), bound),
                clock.timing());
    }

    /** Waits and counts sends until the bounds say stop; returns the number of sends made. */
    private static int sendUntilRefused(ItemResends resends) {
        while (true) {
            Optional<Duration> wait = resends.nextWait();
            if (wait.isEmpty()) {
                return resends.attempt();
            }
            resends.await(wait.get(), "1 item");
        }
    }

    @Test
    void should_back_off_exponentially_between_sends() {
        ItemResends resends = ItemResends.start(http(4, Duration.ofMinutes(5)), clock.timing());

        assertThat(sendUntilRefused(resends)).isEqualTo(4);
        // Equal jitter drawing 0: half of 0.5 s, 1 s and 2 s.
        assertThat(clock.sleeps())
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(resends.summary()).isEqualTo("after 4 sends in 1.8 s");
    }

    @Test
    void should_stop_before_a_wait_that_would_end_past_the_time_bound() {
        ItemResends resends = ItemResends.start(http(100, Duration.ofSeconds(5)), clock.timing());

        sendUntilRefused(resends);

        // 0.25 + 0.5 + 1 + 2 = 3.75 s; the next wait of 4 s would end at 7.75 s.
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(3750));
        assertThat(resends.attempt()).isEqualTo(5);
    }

    @Test
    void should_give_each_resend_only_the_time_the_write_has_left() {
        HttpService http = http(10, Duration.ofSeconds(5));
        ItemResends resends = ItemResends.start(http, clock.timing());
        assertThat(resends.send(HttpService::settings).maxDuration()).isEqualTo(Duration.ofSeconds(5));

        resends.await(resends.nextWait().orElseThrow(), "1 item");
        resends.await(resends.nextWait().orElseThrow(), "1 item");

        assertThat(resends.send(HttpService::settings).maxDuration()).isEqualTo(Duration.ofMillis(4250));
        assertThat(resends.send(HttpService::settings).maxAttempts()).isEqualTo(10);
    }

    @Test
    void should_say_one_send_in_the_singular() {
        ItemResends resends = ItemResends.start(http(1, Duration.ofSeconds(5)), clock.timing());

        assertThat(resends.nextWait()).isEmpty();
        assertThat(resends.summary()).isEqualTo("after 1 send in 0.0 s");
    }

    @Test
    void should_name_the_whole_write_when_a_resend_runs_out_of_retries() {
        ItemResends resends = ItemResends.start(http(10, Duration.ofSeconds(5)), clock.timing());
        TransientException first = new TransientException("Store did not answer successfully after 2 attempts");
        assertThatThrownBy(() -> resends.send(service -> {
                    throw first;
                }))
                .isSameAs(first);

        resends.await(resends.nextWait().orElseThrow(), "1 item");

        assertThatThrownBy(() -> resends.send(service -> {
                    throw new TransientException("Store did not answer successfully after 3 attempts in 1.0 s");
                }))
                .isInstanceOf(TransientException.class)
                .hasMessage("Store did not answer successfully after 3 attempts in 1.0 s"
                        + " (the write's refused items were sent after 2 sends in 0.3 s)");
    }
}
