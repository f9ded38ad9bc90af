package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout Airbyte's connector form gives a spec: cards, sections, and which fields sit behind an
 * "Optional fields" toggle. Written from the rules of airbytehq/airbyte-platform's webapp (read, not
 * copied): {@code airbyte-webapp/src/core/form/schemaToFormBlock.ts} (block kinds and required flags),
 * {@code src/views/Connector/ConnectorForm/utils.ts} ({@code OrderComparator}) and
 * {@code components/Sections/useGroupsAndSections.tsx} (groups, sections, display types):
 *
 * <ol>
 *   <li>A schema with {@code oneOf} is a condition, an array of objects an object array, an object a group,
 *       anything else an item. A block is required when its parent's {@code required} names it (the root is).
 *   <li>At the root, blocks are split into cards by {@code group}; cards follow the order of the spec's
 *       {@code groups} list (blocks without a group come last).
 *   <li>Within a card or a nested group, blocks that count as required (required, conditions, groups,
 *       {@code always_show}, {@code const}) come first; then blocks are ordered by {@code order}, blocks with
 *       an order before blocks without; then by key.
 *   <li>A block is shown expanded when it is required, {@code always_show}, a condition or a group;
 *       otherwise it is collapsed inline when it has an order or is not at the root, else collapsed in the
 *       footer. Consecutive blocks of one display type share a section (a footer block after an inline
 *       section joins it); each section that is not expanded is one "Optional fields" toggle.
 *   <li>A card or group whose only section is collapsed becomes a collapsed group; at the root, a last
 *       inline section becomes a footer. Blocks with a {@code const} are not rendered.
 * </ol>
 */
final class AirbyteFormLayout {
    enum Display {
        EXPANDED,
        COLLAPSED_INLINE,
        COLLAPSED_FOOTER,
        COLLAPSED_GROUP
    }

    /** One rendered block: a field, a nested group's sections, or a condition's sections per branch title. */
    record Block(
            String path,
            String key,
            JsonNode schema,
            boolean required,
            List<Section> children,
            Map<String, List<Section>> branches) {
        boolean isConst() {
            return schema.has("const");
        }

        boolean countsAsRequired() {
            return required
                    || isConst()
                    || schema.path("always_show").asBoolean(false)
                    || schema.has("oneOf")
                    || isGroup();
        }

        boolean isGroup() {
            return !schema.has("oneOf") && schema.path("type").asText().equals("object");
        }

        Integer order() {
            return schema.has("order") && schema.get("order").canConvertToInt()
                    ? schema.get("order").asInt()
                    : null;
        }
    }

    record Section(Display display, List<Block> blocks) {}

    record Card(String group, List<Section> sections) {}

    private AirbyteFormLayout() {}

    /** The cards of the spec's connection specification, in the order the form shows them. */
    static List<Card> cards(JsonNode connectionSpecification) {
        List<String> groupOrder = new ArrayList<>();
        connectionSpecification
                .path("groups")
                .forEach(group -> groupOrder.add(group.path("id").asText()));
        Map<String, List<Block>> byGroup = new LinkedHashMap<>();
        for (Block block : blocks(connectionSpecification, "")) {
            byGroup.computeIfAbsent(block.schema().path("group").asText(null), g -> new ArrayList<>())
                    .add(block);
        }
        List<String> groups = new ArrayList<>(byGroup.keySet());
        groups.sort(Comparator.comparing((String group) -> group == null)
                .thenComparing(group -> groupOrder.contains(group) ? groupOrder.indexOf(group) : groupOrder.size())
                .thenComparing(group -> group == null ? "" : group));
        List<Card> cards = new ArrayList<>();
        for (String group : groups) {
            cards.add(new Card(group, sections(byGroup.get(group), true)));
        }
        return cards;
    }

    private static List<Block> blocks(JsonNode objectSchema, String parentPath) {
        List<String> required = new ArrayList<>();
        objectSchema.path("required").forEach(name -> required.add(name.asText()));
        List<Block> blocks = new ArrayList<>();
        objectSchema.path("properties").properties().forEach(property -> {
            String key = property.getKey();
            String path = parentPath.isEmpty() ? key : parentPath + "." + key;
            blocks.add(block(path, key, property.getValue(), required.contains(key)));
        });
        return blocks;
    }

    private static Block block(String path, String key, JsonNode schema, boolean required) {
        if (schema.has("oneOf")) {
            Map<String, List<Section>> branches = new LinkedHashMap<>();
            schema.get("oneOf")
                    .forEach(branch ->
                            branches.put(branch.path("title").asText(), sections(blocks(branch, path), false)));
            return new Block(path, key, schema, required, List.of(), branches);
        }
        if (schema.path("type").asText().equals("object")) {
            return new Block(path, key, schema, required, sections(blocks(schema, path), false), Map.of());
        }
        return new Block(path, key, schema, required, List.of(), Map.of());
    }

    private static List<Section> sections(List<Block> blocks, boolean rootLevel) {
        List<Block> sorted = new ArrayList<>(blocks);
        sorted.sort(AirbyteFormLayout::compare);
        List<Section> sections = new ArrayList<>();
        for (Block block : sorted) {
            Display display = block.isConst() ? Display.EXPANDED : display(block, rootLevel);
            Section current = sections.isEmpty() ? null : sections.get(sections.size() - 1);
            if (current != null
                    && (current.display() == display
                            || (current.display() == Display.COLLAPSED_INLINE
                                    && display == Display.COLLAPSED_FOOTER))) {
                current.blocks().add(block);
            } else {
                sections.add(new Section(display, new ArrayList<>(List.of(block))));
            }
        }
        if (sections.size() == 1 && sections.get(0).display() != Display.EXPANDED) {
            sections.set(0, new Section(Display.COLLAPSED_GROUP, sections.get(0).blocks()));
        }
        int last = sections.size() - 1;
        if (rootLevel && sections.size() > 1 && sections.get(last).display() == Display.COLLAPSED_INLINE) {
            sections.set(
                    last,
                    new Section(Display.COLLAPSED_FOOTER, sections.get(last).blocks()));
        }
        return sections;
    }

    private static int compare(Block a, Block b) {
        if (a.countsAsRequired() != b.countsAsRequired()) {
            return a.countsAsRequired() ? -1 : 1;
        }
        Integer orderA = a.order();
        Integer orderB = b.order();
        if (orderA != null && orderB != null) {
            return orderA - orderB;
        }
        if (orderA != null || orderB != null) {
            return orderA != null ? -1 : 1;
        }
        // Airbyte uses a natural (numeric-aware) comparison here; every field of this spec has an order.
        return a.key().compareTo(b.key());
    }

    private static Display display(Block block, boolean rootLevel) {
        if (block.required()
                || block.schema().path("always_show").asBoolean(false)
                || block.schema().has("oneOf")
                || block.isGroup()) {
            return Display.EXPANDED;
        }
        return block.order() != null || !rootLevel ? Display.COLLAPSED_INLINE : Display.COLLAPSED_FOOTER;
    }

    /**
     * The paths a user sees without opening any toggle, in order: expanded fields, the fields of expanded
     * groups, and the fields of every branch of an expanded condition (under {@code path[branch title]}).
     */
    static List<String> visiblePaths(List<Section> sections) {
        List<String> paths = new ArrayList<>();
        for (Section section : sections) {
            if (section.display() != Display.EXPANDED) {
                continue;
            }
            for (Block block : section.blocks()) {
                if (block.isConst()) {
                    continue;
                }
                paths.add(block.path());
                paths.addAll(visiblePaths(block.children()));
                block.branches().forEach((title, branch) -> visiblePaths(branch)
                        .forEach(path -> paths.add(path.replaceFirst(
                                "^" + java.util.regex.Pattern.quote(block.path()), block.path() + "[" + title + "]"))));
            }
        }
        return paths;
    }

    /** The number of "Optional fields" toggles in {@code sections}, counting those inside groups (not branches). */
    static int toggles(List<Section> sections) {
        int toggles = 0;
        for (Section section : sections) {
            if (section.display() != Display.EXPANDED) {
                toggles++;
            }
            for (Block block : section.blocks()) {
                toggles += toggles(block.children());
            }
        }
        return toggles;
    }
}
