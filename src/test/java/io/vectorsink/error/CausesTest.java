package io.vectorsink.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CausesTest {
    @Test
    void should_describe_a_failure_with_the_reasons_under_it() {
        Throwable failure = new ExceptionInInitializerError(new RuntimeException(
                "Failed to load onnx-runtime library", new IOException("/tmp is a read-only file system")));

        assertThat(Causes.describe(failure))
                .isEqualTo("java.lang.ExceptionInInitializerError; caused by java.lang.RuntimeException: Failed to"
                        + " load onnx-runtime library; caused by java.io.IOException: /tmp is a read-only file system");
    }

    @Test
    void should_stop_after_four_levels() {
        Throwable failure = new IllegalStateException(
                "1",
                new IllegalStateException(
                        "2",
                        new IllegalStateException(
                                "3", new IllegalStateException("4", new IllegalStateException("5")))));

        assertThat(Causes.describe(failure)).contains(": 4").doesNotContain(": 5");
    }
}
