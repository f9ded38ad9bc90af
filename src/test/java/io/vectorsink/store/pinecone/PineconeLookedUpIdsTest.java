package io.vectorsink.store.pinecone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PineconeLookedUpIdsTest {
    @Test
    void should_remember_four_ids_per_chunk_in_flight_and_at_least_50000() {
        assertThat(new PineconeLookedUpIds(4096).capacity()).isEqualTo(50_000);
        assertThat(new PineconeLookedUpIds(100_000).capacity()).isEqualTo(400_000);
        assertThat(new PineconeLookedUpIds(1_000_000).capacity()).isEqualTo(4_000_000);
    }

    @Test
    void should_let_the_least_recently_used_id_go_and_say_that_one_went() {
        PineconeLookedUpIds ids = new PineconeLookedUpIds(1);
        for (int i = 0; i < ids.capacity(); i++) {
            ids.put("ns", "c" + i, "v" + i);
        }
        assertThat(ids.get("ns", "c0")).isEqualTo("v0"); // used: c1 is now the least recently used
        assertThat(ids.evictedAny()).isFalse();

        ids.put("other", "c0", "w0");

        assertThat(ids.evictedAny()).isTrue();
        assertThat(ids.get("ns", "c1")).isNull();
        assertThat(ids.get("ns", "c0")).isEqualTo("v0");
        assertThat(ids.get("other", "c0")).isEqualTo("w0");
    }
}
