package io.vectorsink.embedding.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups the inputs of one embedding call into model runs. Every input of a run is padded to the run's
 * longest, so inputs are sorted by length and neighbours grouped: padding stays small. A run holds at most
 * {@code maxTexts} inputs and, padded, at most {@code maxTokens} tokens, which bounds the memory of one run
 * (attention grows with the square of the length) whatever the mix of lengths.
 */
final class BatchPlan {
    private BatchPlan() {}

    /**
     * The runs for inputs of the given lengths: each an array of input indices, longest first; every index
     * in exactly one run.
     */
    static List<int[]> of(int[] lengths, int maxTexts, int maxTokens) {
        if (maxTexts < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("a run must hold at least one input and one token");
        }
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(
                order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
        List<int[]> runs = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int longest = lengths[order[from]];
            int size = 1;
            while (from + size < order.length && size < maxTexts && (long) (size + 1) * longest <= maxTokens) {
                size++;
            }
            int[] run = new int[size];
            for (int i = 0; i < size; i++) {
                run[i] = order[from + i];
            }
            runs.add(run);
            from += size;
        }
        return runs;
    }
}
