package io.vectorsink.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.chunking.Boundary.LineKeyword;
import io.vectorsink.chunking.Boundary.Literal;
import io.vectorsink.chunking.Boundary.Markdown;
import io.vectorsink.chunking.Boundary.RuleLine;
import io.vectorsink.chunking.Boundary.Tag;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundaryTest {

    /** The text from each cut to the end of its line. */
    private static List<String> cutLines(Boundary boundary, String text) {
        Boundary.Cuts cuts = boundary.scan(text, 0, text.length());
        List<String> lines = new ArrayList<>();
        while (cuts.advance()) {
            int end = text.indexOf('\n', cuts.cutStart);
            lines.add(text.substring(cuts.cutStart, end < 0 ? text.length() : end));
        }
        return lines;
    }

    @Test
    void should_cut_at_every_occurrence_of_a_literal_without_overlapping_matches() {
        Boundary.Cuts cuts = new Literal("--").scan("a---b--", 0, 7);
        List<int[]> found = new ArrayList<>();
        while (cuts.advance()) {
            found.add(new int[] {cuts.cutStart, cuts.cutEnd});
        }

        assertThat(found).containsExactly(new int[] {1, 3}, new int[] {5, 7});
    }

    @Test
    void should_only_look_inside_the_range() {
        Boundary.Cuts cuts = new Literal("|").scan("a|b|c|d", 2, 5);

        assertThat(cuts.advance()).isTrue();
        assertThat(cuts.cutStart).isEqualTo(3);
        assertThat(cuts.advance()).isFalse();
    }

    @Test
    void should_cut_at_atx_headers_of_the_chosen_levels_only() {
        String text = "# One\na\n#hashtag b\n    # indented code\n####### seven\n## Two\n   ### Three\n#\tTab\n#\nx";

        assertThat(cutLines(Markdown.headers(1, 6), text)).containsExactly("## Two", "   ### Three", "#\tTab", "#");
        assertThat(cutLines(Markdown.headers(1, 2), text)).containsExactly("## Two", "#\tTab", "#");
        assertThat(cutLines(Markdown.headers(3, 3), text)).containsExactly("   ### Three");
    }

    @Test
    void should_not_cut_at_headers_inside_fences() {
        String text = "intro\n```md\n# inside\n```\n# outside\n~~~\n# inside too\n````\n~~~\n## after";

        assertThat(cutLines(Markdown.headers(1, 6), text)).containsExactly("# outside", "## after");
    }

    @Test
    void should_cut_before_a_code_fence_and_after_its_end() {
        String text = "text\n```java\ncode\n```\nafter\n~~~\nx\n~~~";

        assertThat(cutLines(Markdown.codeFences(), text)).containsExactly("```java", "after", "~~~");
    }

    @Test
    void should_cut_before_the_title_of_an_underlined_section() {
        String text = "Title\n=====\ntext\n\nSection\n-------\nmore\n\n=======\nOver\n=======\nx";

        assertThat(cutLines(new RuleLine("=-", "=-"), text)).containsExactly("Section", "=======");
    }

    @Test
    void should_cut_at_a_thematic_break_but_above_a_setext_title() {
        String text = "para\n\n***\nx\nSetext\n---\ny\n--\nz";

        assertThat(cutLines(new RuleLine("-*_=", "-="), text)).containsExactly("***", "Setext");
    }

    @Test
    void should_cut_at_declarations_after_any_modifiers_keeping_their_annotations_and_comments() {
        LineKeyword boundary = new LineKeyword(
                List.of("public", "static", "final"), List.of("class", "void"), List.of("@", "/**", "*", "//"));
        String text = String.join(
                "\n",
                "package x;",
                "/**",
                " * Doc.",
                " */",
                "@Deprecated",
                "public final class A {",
                "    int classes;",
                "    // helper",
                "    static void run() {}",
                "    public static voidish();",
                "    void go() {}",
                "}");

        assertThat(cutLines(boundary, text)).containsExactly("/**", "    // helper", "    void go() {}");
    }

    @Test
    void should_not_climb_over_the_previous_declaration_when_attaching_lines() {
        LineKeyword boundary = new LineKeyword(List.of(), List.of("@interface"), List.of("@"));
        String text = "x\n@interface A {}\n@interface B {}";

        assertThat(cutLines(boundary, text)).containsExactly("@interface A {}", "@interface B {}");
    }

    @Test
    void should_cut_at_html_start_tags_ignoring_case_and_longer_names() {
        String text = "<body>\n<p>a</p><pre>b</pre>\n<P class=x>c<br/>d";

        assertThat(cutLines(new Tag(List.of("p", "br")), text))
                .containsExactly("<p>a</p><pre>b</pre>", "<P class=x>c<br/>d", "<br/>d");
    }
}
