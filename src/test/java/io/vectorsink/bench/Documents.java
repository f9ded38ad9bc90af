package io.vectorsink.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.Messages;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generated keyed documents with realistic text lengths, and the edits of a later sync: a seeded mix of short
 * texts (one to three sentences, as titles, comments or product lines), medium ones (two to six paragraphs,
 * one or two chunks) and long ones (twelve to forty paragraphs, several chunks), each with an id, a title and
 * a category. Deterministic for a seed.
 */
final class Documents {
    static final String STREAM = "docs";
    static final List<String> METADATA_FIELDS = List.of("id", "title", "category");
    static final String TEXT_FIELD = "text";

    private static final String[] WORDS = ("the a of and to in for on with by from at as that this these those"
                    + " it its their our we they is are was were be been has have had will would can could may"
                    + " should report quarter customer order invoice shipment delivery warehouse supplier contract"
                    + " payment account balance budget forecast revenue margin cost price discount tax refund"
                    + " product service feature release version update issue ticket support team manager engineer"
                    + " meeting review plan project milestone deadline risk change request approval policy"
                    + " region market sales growth decline increase decrease stable strong weak new old first last"
                    + " north south east west city store online channel partner program campaign launch event"
                    + " data system network server database index search query result error failure recovery"
                    + " backup storage capacity latency throughput performance security access user password"
                    + " because although while after before during until unless however therefore meanwhile")
            .split(" ");
    private static final String[] CATEGORIES = {
        "billing", "shipping", "support", "sales", "engineering", "legal", "marketing", "operations"
    };

    /** One document: its key, metadata and text. */
    record Doc(int id, String title, String category, String text) {
        Doc withText(String newText) {
            return new Doc(id, title, category, newText);
        }

        Doc withCategory(String newCategory) {
            return new Doc(id, title, newCategory, text);
        }

        ObjectNode data() {
            ObjectNode data = Json.MAPPER.createObjectNode();
            data.put("id", id);
            data.put("title", title);
            data.put("category", category);
            data.put(TEXT_FIELD, text);
            return data;
        }
    }

    private Documents() {}

    /** {@code count} documents: 60% short, 30% medium, 10% long. */
    static List<Doc> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Doc> docs = new ArrayList<>(count);
        for (int id = 0; id < count; id++) {
            double kind = random.nextDouble();
            String text;
            if (kind < 0.6) {
                text = paragraph(random, 1 + random.nextInt(3));
            } else if (kind < 0.9) {
                text = paragraphs(random, 2 + random.nextInt(5));
            } else {
                text = paragraphs(random, 12 + random.nextInt(29));
            }
            docs.add(new Doc(
                    id, sentence(random, 3 + random.nextInt(5)), CATEGORIES[random.nextInt(CATEGORIES.length)], text));
        }
        return docs;
    }

    /** {@code count} distinct indexes of {@code docs}, none of {@code excluded}, seeded. */
    static Set<Integer> pick(int size, int count, Set<Integer> excluded, long seed) {
        Random random = new Random(seed);
        Set<Integer> picked = new LinkedHashSet<>();
        while (picked.size() < count) {
            int index = random.nextInt(size);
            if (!excluded.contains(index)) {
                picked.add(index);
            }
        }
        return picked;
    }

    /** The documents with one word of each picked text replaced, as an edit to one sentence does. */
    static List<Doc> editTexts(List<Doc> docs, Set<Integer> picked, long seed) {
        Random random = new Random(seed);
        List<Doc> edited = new ArrayList<>(docs);
        for (int index : picked) {
            Doc doc = docs.get(index);
            String[] words = doc.text().split(" ", -1);
            int at = random.nextInt(words.length);
            while (words[at].contains("\n")) { // keep the paragraphs as they were
                at = random.nextInt(words.length);
            }
            // A word the vocabulary does not have, so the text really changes.
            words[at] = "edited" + random.nextInt(1000);
            edited.set(index, doc.withText(String.join(" ", words)));
        }
        return edited;
    }

    /** The documents with the category of each picked one changed. */
    static List<Doc> editCategories(List<Doc> docs, Set<Integer> picked) {
        List<Doc> edited = new ArrayList<>(docs);
        for (int index : picked) {
            Doc doc = docs.get(index);
            edited.set(index, doc.withCategory(doc.category() + "-moved"));
        }
        return edited;
    }

    /** The documents as Airbyte messages, a STATE every 1,000; {@code emittedAt} is the sync's extraction time. */
    static Path write(Path file, List<Doc> docs, long emittedAt) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < docs.size(); i++) {
                out.write(Messages.record(STREAM, docs.get(i).data().toString(), emittedAt + i));
                if ((i + 1) % 1000 == 0 || i + 1 == docs.size()) {
                    out.write(Messages.streamState(STREAM, "{\"read\":" + (i + 1) + "}"));
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String paragraphs(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < count; p++) {
            if (p > 0) {
                text.append("\n\n");
            }
            text.append(paragraph(random, 2 + random.nextInt(5)));
        }
        return text.toString();
    }

    private static String paragraph(Random random, int sentences) {
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            if (s > 0) {
                text.append(' ');
            }
            text.append(sentence(random, 5 + random.nextInt(16))).append('.');
        }
        return text.toString();
    }

    private static String sentence(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (w == 0) {
                text.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
            } else {
                text.append(' ').append(word);
            }
            if (random.nextInt(40) == 0) {
                text.append(' ').append(random.nextInt(100_000)); // numbers: amounts, order numbers, years
            }
        }
        return text.toString();
    }
}
