package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounded note of records this sync planned writes of: never forgets one, rarely imagines one. */
class WrittenRecordsTest {
    @Test
    void should_remember_every_record_added_and_few_that_were_not() {
        WrittenRecords written = new WrittenRecords();
        for (int i = 0; i < 200_000; i++) {
            written.add("[null,\"docs\"," + i + "]");
        }
        for (int i = 0; i < 200_000; i++) {
            assertThat(written.mayContain("[null,\"docs\"," + i + "]")).isTrue();
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (written.mayContain("[null,\"other\"," + i + "]")) {
                falsePositives++;
            }
        }
        // 200,000 records in 2^23 bits with 4 hashes: about 0.01% expected.
        assertThat(falsePositives).isLessThan(100);
    }

    @Test
    void should_know_nothing_at_first() {
        assertThat(new WrittenRecords().mayContain("[null,\"docs\",1]")).isFalse();
    }
}
