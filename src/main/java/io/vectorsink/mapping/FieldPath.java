package io.vectorsink.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A dot path into a record, such as {@code author.name} or {@code tags.*}. {@code *} matches every key
 * of an object or every element of an array. A field whose own name contains dots ({@code Foo.Bar}) is
 * matched too: at each level the longest run of segments that names an existing key wins.
 */
public final class FieldPath {
    private final String text;
    private final List<String> segments;

    private FieldPath(String text) {
        this.text = text;
        this.segments = List.of(text.split("\\.", -1));
    }

    public static FieldPath of(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a field path must not be empty");
        }
        return new FieldPath(text);
    }

    @Override
    public String toString() {
        return text;
    }

    /** One value found by a path, with the concrete path that led to it ({@code tags.0} for {@code tags.*}). */
    public record Match(String path, JsonNode value) {}

    /** Every value the path selects in {@code root}, in document order. Missing paths select nothing. */
    public List<Match> select(JsonNode root) {
        List<Match> matches = new ArrayList<>();
        walk(root, 0, "", matches);
        return matches;
    }

    private void walk(JsonNode node, int index, String prefix, List<Match> out) {
        if (index == segments.size()) {
            out.add(new Match(prefix, node));
            return;
        }
        String segment = segments.get(index);
        if (segment.equals("*")) {
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    walk(entry.getValue(), index + 1, join(prefix, entry.getKey()), out);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), index + 1, join(prefix, Integer.toString(i)), out);
                }
            }
            return;
        }
        if (node.isObject()) {
            int end = keyEnd(node, index, segments.size());
            if (end != -1) {
                String key = key(index, end);
                walk(node.get(key), end, join(prefix, key), out);
            }
        } else if (node.isArray() && segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
            int position;
            try {
                position = Integer.parseInt(segment);
            } catch (NumberFormatException e) {
                return;
            }
            if (position < node.size()) {
                walk(node.get(position), index + 1, join(prefix, segment), out);
            }
        }
    }

    /**
     * Removes the value this path names, following objects only (as a rename does), and returns it; null
     * when the path is missing or passes through something other than an object. Keys with dots in their
     * own name are found as {@link #select} finds them. Objects on the way that the removal leaves empty
     * are removed too, so that moving {@code author.name} out of {@code {"author":{"name":..}}} leaves no
     * {@code "author": {}} behind to be embedded or stored.
     */
    public JsonNode remove(ObjectNode root) {
        ObjectNode node = root;
        int index = 0;
        Deque<ObjectNode> parents = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        while (true) {
            int end = keyEnd(node, index, segments.size());
            if (end == -1) {
                return null;
            }
            String key = key(index, end);
            if (end == segments.size()) {
                JsonNode removed = node.remove(key);
                while (node.isEmpty() && !parents.isEmpty()) {
                    node = parents.pop();
                    node.remove(keys.pop());
                }
                return removed;
            }
            JsonNode child = node.get(key);
            if (!child.isObject()) {
                return null;
            }
            parents.push(node);
            keys.push(key);
            node = (ObjectNode) child;
            index = end;
        }
    }

    /**
     * Sets {@code value} at this path, replacing what is there and creating the objects on the way that
     * are missing (or null: a nullable object of the source). An existing key with dots in its own name is
     * reused as {@link #select} would find it.
     *
     * @return false, changing nothing, when a step on the way exists and is not an object
     */
    public boolean put(ObjectNode root, JsonNode value) {
        ObjectNode node = root;
        int index = 0;
        while (true) {
            String rest = key(index, segments.size());
            if (node.has(rest) || index == segments.size() - 1) {
                node.set(rest, value);
                return true;
            }
            int end = keyEnd(node, index, segments.size() - 1);
            if (end == -1) {
                node = node.putObject(segments.get(index));
                index++;
                continue;
            }
            String key = key(index, end);
            JsonNode child = node.get(key);
            if (child.isNull()) {
                node = node.putObject(key);
            } else if (child.isObject()) {
                node = (ObjectNode) child;
            } else {
                return false;
            }
            index = end;
        }
    }

    /**
     * The end of the longest run of segments from {@code index}, ending at most at {@code limit}, that
     * names a key of {@code node}; -1 when none does. Longest first, so that a field named
     * {@code Foo.Bar} is found by the path {@code Foo.Bar} before a nested {@code Foo} → {@code Bar}.
     */
    private int keyEnd(JsonNode node, int index, int limit) {
        for (int end = limit; end > index; end--) {
            if (node.has(key(index, end))) {
                return end;
            }
        }
        return -1;
    }

    /** Segments {@code index} to {@code end} (exclusive) joined into one key. */
    private String key(int index, int end) {
        return String.join(".", segments.subList(index, end));
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }
}
