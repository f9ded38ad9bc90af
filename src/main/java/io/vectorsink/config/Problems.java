package io.vectorsink.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The problems found in one configuration, each tied to the field path it is about (for example
 * {@code indexing.host} or {@code processing.text_fields[2]}; the empty path is the whole config). Kept in
 * the order found, which follows the spec, so the user reads them top to bottom.
 */
final class Problems {
    private final Map<String, Set<String>> byPath = new LinkedHashMap<>();

    /** Joins a field name onto a path. */
    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Joins a list index onto a path. */
    static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    void add(String path, String text) {
        byPath.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(text);
    }

    /** Replaces what was said about {@code path} by {@code text}: for a rule that says it more precisely. */
    void replace(String path, String text) {
        byPath.put(path, new LinkedHashSet<>(Set.of(text)));
    }

    /**
     * Whether none of {@code paths}, nor any field that contains one of them, has a problem yet. Rules
     * between fields run only on clean fields, so one mistake is reported once, in the words that fit it.
     */
    boolean clean(String... paths) {
        for (String path : paths) {
            String current = path;
            while (true) {
                if (byPath.containsKey(current)) {
                    return false;
                }
                if (current.isEmpty()) {
                    break;
                }
                current = parent(current);
            }
        }
        return true;
    }

    boolean isEmpty() {
        return byPath.isEmpty();
    }

    /** Every problem as {@code "path: text"}; the whole config is called {@code config}. */
    List<String> messages() {
        List<String> messages = new ArrayList<>();
        byPath.forEach((path, texts) -> {
            String field = path.isEmpty() ? "config" : path;
            texts.forEach(text -> messages.add(field + ": " + text));
        });
        return messages;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
