package io.vectorsink.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingEmbedderTest {
    @Test
    void should_tell_the_model_dimensions_and_window_while_the_load_still_runs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeEmbedder fake = new FakeEmbedder(12);
        PendingEmbedder pending = PendingEmbedder.loading(
                () -> {
                    await(release);
                    return fake;
                },
                fake.embeddingModel(),
                fake.maxInputTokens(),
                "a fake of 12 dims");

        assertThat(pending.embeddingModel()).isEqualTo(fake.embeddingModel());
        assertThat(pending.dimensions()).isEqualTo(12);
        assertThat(pending.description()).isEqualTo("a fake of 12 dims");
        release.countDown();
        assertThat(pending.await()).isSameAs(fake);
        assertThat(pending.await().embed(List.of("a text"))).hasSize(1);
    }

    @Test
    void should_refuse_an_embedder_of_another_model_than_announced() {
        FakeEmbedder fake = new FakeEmbedder(12);
        PendingEmbedder pending =
                PendingEmbedder.loading(() -> fake, new FakeEmbedder(16).embeddingModel(), 100, "announced");

        assertThatThrownBy(pending::await)
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("not the announced");
    }

    @Test
    void should_close_an_embedder_of_another_model_than_announced() {
        CountDownLatch closed = new CountDownLatch(1);
        Embedder other = new ClosingFake(new FakeEmbedder(12), closed);
        PendingEmbedder pending =
                PendingEmbedder.loading(() -> other, new FakeEmbedder(16).embeddingModel(), 100, "announced");

        assertThatThrownBy(pending::await).isInstanceOf(SystemException.class);
        assertThat(closed.getCount())
                .as("closed by the refusal, before any close of the pending one")
                .isZero();
    }

    @Test
    void should_rethrow_the_loads_own_error() {
        PendingEmbedder pending = PendingEmbedder.loading(
                () -> {
                    throw new ConfigException("no such model");
                },
                new FakeEmbedder(12).embeddingModel(),
                100,
                "announced");

        assertThatThrownBy(pending::await).isInstanceOf(ConfigException.class).hasMessage("no such model");
    }

    @Test
    void should_say_which_embedder_failed_and_why_when_its_load_throws_an_error() {
        PendingEmbedder pending = PendingEmbedder.loading(
                () -> {
                    throw new UnsatisfiedLinkError("no onnxruntime in java.library.path");
                },
                new FakeEmbedder(12).embeddingModel(),
                100,
                "local all-minilm-l6-v2-q (384 dims, 254-token window)");

        assertThatThrownBy(pending::await)
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("local all-minilm-l6-v2-q (384 dims, 254-token window)")
                .hasMessageContaining("UnsatisfiedLinkError: no onnxruntime in java.library.path")
                .hasCauseInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void should_close_an_embedder_that_finishes_loading_after_the_sync_gave_up() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Embedder fake = new ClosingFake(new FakeEmbedder(12), closed);
        PendingEmbedder pending = PendingEmbedder.loading(
                () -> {
                    await(release);
                    return fake;
                },
                fake.embeddingModel(),
                100,
                "announced");

        pending.close();
        assertThat(closed.getCount()).isEqualTo(1);
        release.countDown();
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void should_pass_a_ready_embedder_through() {
        FakeEmbedder fake = new FakeEmbedder(8);
        PendingEmbedder pending = PendingEmbedder.ready(fake);

        assertThat(pending.await()).isSameAs(fake);
        assertThat(pending.maxInputTokens()).isEqualTo(fake.maxInputTokens());
        assertThat(pending.description()).isEqualTo(fake.description());
    }

    /** A real fake embedder that counts its close. */
    private static final class ClosingFake extends ForwardingEmbedder {
        private final CountDownLatch closed;

        ClosingFake(FakeEmbedder fake, CountDownLatch closed) {
            super(fake);
            this.closed = closed;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
