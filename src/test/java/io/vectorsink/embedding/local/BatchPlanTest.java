package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    @Test
    void should_group_inputs_of_similar_length_longest_first() {
        int[] lengths = {5, 300, 7, 290, 6, 8};

        List<int[]> runs = BatchPlan.of(lengths, 2, 10_000);

        assertThat(runs).containsExactly(new int[] {1, 3}, new int[] {5, 2}, new int[] {4, 0});
    }

    @Test
    void should_bound_the_padded_tokens_of_a_run() {
        int[] lengths = {100, 100, 100, 40, 40, 40};

        List<int[]> runs = BatchPlan.of(lengths, 32, 200);

        // A run is as wide as its longest: 2 × 100 padded tokens fit in 200, a third input would not.
        assertThat(runs).containsExactly(new int[] {0, 1}, new int[] {2, 3}, new int[] {4, 5});
    }

    @Test
    void should_run_one_input_at_a_time_with_one_text_per_run() {
        int[] lengths = {3, 1, 2};

        List<int[]> runs = BatchPlan.of(lengths, 1, 10_000);

        assertThat(runs).containsExactly(new int[] {0}, new int[] {2}, new int[] {1});
    }

    @Test
    void should_place_every_input_in_exactly_one_run() {
        int[] lengths = IntStream.range(0, 500).map(i -> 1 + (i * 37) % 254).toArray();

        List<int[]> runs = BatchPlan.of(lengths, 8, 1024);

        assertThat(runs.stream().flatMapToInt(IntStream::of).sorted().toArray())
                .containsExactly(IntStream.range(0, 500).toArray());
        assertThat(runs).allSatisfy(run -> assertThat((long) run.length * lengths[run[0]])
                .isLessThanOrEqualTo(1024));
    }
}
