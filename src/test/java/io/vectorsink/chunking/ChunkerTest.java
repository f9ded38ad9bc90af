package io.vectorsink.chunking;

import static io.vectorsink.chunking.Counters.CODE_POINTS;
import static io.vectorsink.chunking.Counters.SUPERADDITIVE;
import static io.vectorsink.chunking.Counters.UTF8_PAIRS;
import static io.vectorsink.chunking.Counters.WORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.config.TextSplitterConfig.Separator;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static Chunker separators(int chunkSize, int overlap, TokenCounter counter, boolean keep, String... seps) {
        return new Chunker(new Separator(List.of(seps), keep), chunkSize, overlap, counter);
    }

    @Test
    void should_return_no_chunks_when_text_is_empty_or_blank() {
        Chunker chunker = new Chunker(Separator.defaults(), 10, 0, WORDS);

        assertThat(chunker.split("")).isEmpty();
        assertThat(chunker.split(" \n\t\u2028 \r\n")).isEmpty();
    }

    @Test
    void should_return_the_stripped_text_when_it_fits() {
        Chunker chunker = new Chunker(Separator.defaults(), 10, 0, WORDS);

        assertThat(chunker.split("\n  Hello there,\n\nworld.  ")).containsExactly("Hello there,\n\nworld.");
    }

    @Test
    void should_pack_pieces_greedily_up_to_chunk_size() {
        Chunker chunker = separators(2, 0, WORDS, false, " ");

        assertThat(chunker.split("a b c d e")).containsExactly("a b", "c d", "e");
    }

    @Test
    void should_keep_text_between_pieces_when_separator_is_not_kept() {
        Chunker chunker = separators(6, 0, CODE_POINTS, false, ".");

        // The separator, even a doubled one, stays between the pieces it separated; only chunk edges lose it.
        assertThat(chunker.split("ab..cd.ef.gh")).containsExactly("ab..cd", "ef.gh");
    }

    @Test
    void should_start_the_next_piece_with_the_separator_when_keep_separator_is_set() {
        Chunker kept = separators(8, 0, CODE_POINTS, true, ".");
        Chunker dropped = separators(8, 0, CODE_POINTS, false, ".");

        assertThat(kept.split("one.two.three")).containsExactly("one.two", ".three");
        assertThat(dropped.split("one.two.three")).containsExactly("one.two", "three");
    }

    @Test
    void should_repeat_trailing_pieces_up_to_the_overlap_when_overlap_is_set() {
        Chunker chunker = separators(3, 1, WORDS, false, " ");

        assertThat(chunker.split("a b c d e")).containsExactly("a b c", "c d e");
    }

    @Test
    void should_repeat_as_many_trailing_pieces_as_fit_in_the_overlap() {
        Chunker chunker = separators(4, 2, WORDS, false, " ");

        assertThat(chunker.split("a b c d e f g h")).containsExactly("a b c d", "c d e f", "e f g h");
    }

    @Test
    void should_not_repeat_anything_when_overlap_is_zero() {
        Chunker chunker = separators(4, 0, WORDS, false, " ");

        List<String> chunks = chunker.split("a b c d e f g h i j");

        assertThat(chunks).containsExactly("a b c d", "e f g h", "i j");
    }

    @Test
    void should_split_oversize_pieces_with_the_next_separators() {
        Chunker chunker = separators(3, 0, WORDS, false, "\n\n", " ");

        assertThat(chunker.split("a b\n\nc d e f g\n\nh")).containsExactly("a b", "c d e", "f g", "h");
    }

    @Test
    void should_try_the_next_separator_when_the_first_does_not_occur() {
        Chunker chunker = separators(2, 0, WORDS, false, "|", " ");

        assertThat(chunker.split("a b c")).containsExactly("a b", "c");
    }

    @Test
    void should_split_by_characters_when_no_separator_occurs() {
        Chunker chunker = separators(4, 0, CODE_POINTS, false, " ");

        assertThat(chunker.split("abcdefghij")).containsExactly("abcd", "efgh", "ij");
    }

    @Test
    void should_split_by_characters_with_overlap_when_no_separator_occurs() {
        Chunker chunker = separators(4, 2, CODE_POINTS, false, "|");

        assertThat(chunker.split("abcdefgh")).containsExactly("abcd", "cdef", "efgh");
    }

    @Test
    void should_treat_the_empty_separator_as_character_splitting() {
        Chunker chunker = separators(3, 0, CODE_POINTS, false, "\n", "");

        assertThat(chunker.split("abcde\nfg")).containsExactly("abc", "de", "fg");
    }

    @Test
    void should_never_cut_a_surrogate_pair_when_splitting_by_characters() {
        Chunker chunker = separators(2, 0, CODE_POINTS, false, " ");

        assertThat(chunker.split("😀😀😀😀😀")).containsExactly("😀😀", "😀😀", "😀");
    }

    @Test
    void should_keep_emoji_sequences_whole_when_they_fit() {
        String coder = "👩\u200D💻"; // woman, zero-width joiner, laptop: three code points, one emoji
        Chunker chunker = separators(4, 0, CODE_POINTS, false, " ");

        assertThat(chunker.split(coder + coder + "🇩🇪🇫🇷")).containsExactly(coder, coder, "🇩🇪🇫🇷");
    }

    @Test
    void should_cut_inside_an_emoji_sequence_only_when_it_alone_exceeds_the_chunk_size() {
        String family = "👩\u200D👩\u200D👧"; // five code points
        Chunker chunker = separators(2, 0, CODE_POINTS, false, " ");

        List<String> chunks = chunker.split(family);

        assertThat(chunks).containsExactly("👩\u200D", "👩\u200D", "👧");
    }

    @Test
    void should_fail_with_a_config_error_when_one_character_exceeds_the_chunk_size() {
        Chunker chunker = separators(1, 0, UTF8_PAIRS, false, " ");

        assertThatThrownBy(() -> chunker.split("😀"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chunk_size 1 is too small")
                .hasMessageNotContaining("😀");
    }

    @Test
    void should_resplit_packed_chunks_whose_real_count_exceeds_the_sum_of_their_pieces() {
        // 30 one-word pieces of 3 characters: 30 words plus 2 for 90 characters when counted together.
        String text = String.join(" ", Collections.nCopies(30, "abc"));
        Chunker chunker = separators(30, 0, SUPERADDITIVE, false, " ");

        List<String> chunks = chunker.split(text);

        assertThat(chunks)
                .allSatisfy(chunk -> assertThat(SUPERADDITIVE.count(chunk)).isLessThanOrEqualTo(30));
        assertThat(String.join(" ", chunks)).isEqualTo(text);
    }

    @Test
    void should_count_each_piece_once_when_merging() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger countedChars = new AtomicInteger();
        TokenCounter counting = text -> {
            calls.incrementAndGet();
            countedChars.addAndGet(text.length());
            return WORDS.count(text);
        };
        String text = "word ".repeat(10_000);
        Chunker chunker = new Chunker(Separator.defaults(), 100, 10, counting);

        List<String> chunks = chunker.split(text);

        assertThat(chunks).hasSize(111); // 100 words, then 90 new words per chunk
        // Each piece once, each chunk once for the final check, plus the separators at construction: linear work.
        assertThat(calls.get()).isLessThan(10_000 + 200);
        assertThat(countedChars.get()).isLessThan(3 * text.length());
    }

    @Test
    void should_count_the_pieces_of_a_text_through_the_counters_range_counts() {
        // A counter that tokenizes a text once per window (as the local models' WordPiece counter does) must
        // not be asked for every word of a text without line breaks: that was one tokenizer call per word.
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger windows = new AtomicInteger();
        TokenCounter windowed = new TokenCounter() {
            @Override
            public int count(String text) {
                calls.incrementAndGet();
                return WORDS.count(text);
            }

            @Override
            public RangeCounter ranges(String text) {
                return new WordBoundedCounts(
                        text,
                        window -> {
                            windows.incrementAndGet();
                            int[] starts = wordStarts(window);
                            return new WordBoundedCounts.Window(starts, Tokens.counted(starts.length));
                        },
                        this);
            }
        };
        String text = "word ".repeat(10_000);

        List<String> chunks = new Chunker(Separator.defaults(), 100, 10, windowed).split(text);

        assertThat(chunks).isEqualTo(new Chunker(Separator.defaults(), 100, 10, WORDS).split(text));
        // Only the separators' counts at construction: the pieces and the 111 chunks come from a few windows.
        assertThat(calls.get()).isLessThan(10);
        assertThat(windows.get()).isBetween(1, 10);
    }

    private static int[] wordStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i)) && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
                starts.add(i);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void should_give_the_same_chunks_when_splitting_the_same_text_again() {
        String text =
                "Alpha beta.\n\nGamma delta epsilon zeta eta.\nTheta iota kappa 😀 lambda.\n\n" + "mu ".repeat(50);
        Chunker first = new Chunker(Separator.defaults(), 7, 2, WORDS);
        Chunker second = new Chunker(Separator.defaults(), 7, 2, WORDS);

        List<String> chunks = first.split(text);

        assertThat(first.split(text)).isEqualTo(chunks);
        assertThat(second.split(text)).isEqualTo(chunks);
    }

    @Test
    void should_reject_sizes_out_of_range() {
        TextSplitterConfig splitter = Separator.defaults();

        assertThatThrownBy(() -> new Chunker(splitter, 0, 0, WORDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunk_size must be at least 1 token, got 0");
        assertThatThrownBy(() -> new Chunker(splitter, 10, 10, WORDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunk_overlap must be at least 0 and less than chunk_size (10), got 10");
        assertThatThrownBy(() -> new Chunker(splitter, 10, -1, WORDS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_return_an_unmodifiable_list() {
        List<String> chunks = separators(2, 0, WORDS, false, " ").split("a b c d e");

        assertThatThrownBy(() -> chunks.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new ArrayList<>(chunks)).hasSize(3);
    }
}
