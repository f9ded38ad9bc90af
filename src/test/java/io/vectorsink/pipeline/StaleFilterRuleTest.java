package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rule of docs/behaviour.md's table "what a completed stream removes", row by row, from the catalog's
 * fields and the platform's job id to the filter: only an id every attempt of the sync shares may decide
 * what is removed, since an earlier attempt's chunks are covered by the states it emitted.
 */
class StaleFilterRuleTest {
    private static Optional<StaleFilter> rule(String mode, String catalogFields, String jobId) throws Exception {
        ConfiguredCatalog catalog = ConfiguredCatalog.parse(
                Json.MAPPER.readTree("{\"streams\":[{\"stream\":{\"name\":\"s\"},\"destination_sync_mode\":\"" + mode
                        + "\"" + catalogFields + "}]}"),
                jobId);
        ConfiguredStream stream = catalog.stream(StreamId.of("s")).orElseThrow();
        return WritePipeline.staleFilter(stream);
    }

    @ParameterizedTest(name = "{0}{1} with job id [{2}] removes {3}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                // minimum_generation_id > 0: older generations, whatever else is there
                "overwrite|,\"generation_id\":3,\"minimum_generation_id\":3,\"sync_id\":9|42|generation<3",
                "append|,\"generation_id\":3,\"minimum_generation_id\":2|NULL|generation<2",
                // generation ids with the minimum 0 or absent: nothing, not even with a sync id or job id
                "overwrite|,\"generation_id\":3,\"minimum_generation_id\":0,\"sync_id\":9|42|nothing",
                "overwrite|,\"generation_id\":3|42|nothing",
                "overwrite|,\"minimum_generation_id\":0|42|nothing",
                // no generation ids: the catalog's sync_id, else the job id, else nothing
                "overwrite|,\"sync_id\":9|42|sync 9",
                "overwrite|,\"sync_id\":9|NULL|sync 9",
                "overwrite|,\"generation_id\":null,\"sync_id\":9|NULL|sync 9",
                "overwrite||42|sync job-42",
                "overwrite||` 42 `|sync job-42",
                "overwrite||`a\"b\\c d`|sync job-a\"b\\c d",
                "overwrite||NULL|nothing",
                "overwrite||``|nothing",
                "overwrite||`   `|nothing",
                // only an overwrite replaces other syncs
                "append|,\"sync_id\":9|42|nothing",
                "append_dedup|,\"sync_id\":9,\"primary_key\":[[\"id\"]]|42|nothing",
            },
            quoteCharacter = '`')
    void should_remove_only_what_an_id_shared_by_every_attempt_tells_apart(
            String mode, String catalogFields, String jobId, String expected) throws Exception {
        String removed = rule(mode, catalogFields == null ? "" : catalogFields, jobId)
                .map(filter -> filter instanceof StaleFilter.OlderGeneration older
                        ? "generation<" + older.minimumGenerationId()
                        : "sync " + ((StaleFilter.OtherSync) filter).syncId())
                .orElse("nothing");
        assertThat(removed).isEqualTo(expected);
    }
}
