package io.vectorsink.chunking;

import static io.vectorsink.chunking.Counters.WORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.TextSplitterConfig.Code;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodeChunkingTest {

    private static List<String> split(String language, int chunkSize, String text) {
        return new Chunker(new Code(language), chunkSize, 0, WORDS).split(text);
    }

    private static String lines(String... lines) {
        return String.join("\n", lines);
    }

    @Test
    void should_support_every_language_of_the_config_spec() {
        assertThat(List.copyOf(Chunker.supportedLanguages()))
                .contains(
                        "cpp",
                        "go",
                        "java",
                        "js",
                        "ts",
                        "php",
                        "proto",
                        "python",
                        "rst",
                        "ruby",
                        "rust",
                        "scala",
                        "swift",
                        "kotlin",
                        "markdown",
                        "latex",
                        "html",
                        "sol")
                .isSorted();
    }

    @Test
    void should_reject_an_unknown_language_listing_the_supported_ones() {
        // Called directly: the config record may already reject unknown names before a chunker is built.
        assertThatThrownBy(() -> Chunker.codeLevels("cobol"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("code language 'cobol' is not supported; supported languages: ")
                .hasMessageContaining("java, js, kotlin");
    }

    @Test
    void should_accept_language_names_in_any_case() {
        assertThat(Chunker.codeLevels(" Python ")).isSameAs(Chunker.codeLevels("python"));
    }

    @Test
    void should_split_java_at_members_keeping_their_doc_comments_and_annotations() {
        String text = lines(
                "package demo;",
                "",
                "import java.util.List;",
                "",
                "public final class Greeter {",
                "    private final String name;",
                "",
                "    public Greeter(String name) {",
                "        this.name = name;",
                "    }",
                "",
                "    /** Says hello. */",
                "    @Override",
                "    public String toString() {",
                "        return \"hello \" + name;",
                "    }",
                "",
                "    public int length() {",
                "        if (name == null) {",
                "            return 0;",
                "        }",
                "        return name.length();",
                "    }",
                "}");

        assertThat(split("java", 16, text))
                .containsExactly(
                        "package demo;\n\nimport java.util.List;",
                        "public final class Greeter {\n    private final String name;",
                        "public Greeter(String name) {\n        this.name = name;\n    }",
                        "/** Says hello. */\n    @Override\n    public String toString() {\n"
                                + "        return \"hello \" + name;\n    }",
                        "public int length() {\n        if (name == null) {\n            return 0;\n        }\n"
                                + "        return name.length();\n    }\n}");
    }

    @Test
    void should_split_python_at_classes_then_functions_keeping_decorators() {
        String text = lines(
                "import os",
                "",
                "",
                "class Store:",
                "    def __init__(self, path):",
                "        self.path = path",
                "",
                "    @property",
                "    def size(self):",
                "        return os.path.getsize(self.path)",
                "",
                "",
                "async def main():",
                "    store = Store('x')",
                "    print(store.size)");

        assertThat(split("python", 8, text))
                .containsExactly(
                        "import os",
                        "class Store:\n    def __init__(self, path):\n        self.path = path",
                        "@property\n    def size(self):\n        return os.path.getsize(self.path)",
                        "async def main():\n    store = Store('x')\n    print(store.size)");
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(
                        "java",
                        lines("class A {", "  void a() { x(); }", "  public void b() { y(); }", "}"),
                        "public void b()"),
                Arguments.of(
                        "kotlin",
                        lines("class A {", "  fun a() = 1 + 2", "  override fun b() = 3 + 4", "}"),
                        "override fun b()"),
                Arguments.of(
                        "scala",
                        lines("object A {", "  def a = 1 + 2", "  private def b = 3 + 4", "}"),
                        "private def b"),
                Arguments.of(
                        "swift",
                        lines("struct A {", "  func a() { x() }", "  mutating func b() { y() }", "}"),
                        "mutating func b()"),
                Arguments.of(
                        "python",
                        lines("class A:", "    def a(self): pass", "    async def b(self): pass"),
                        "async def b("),
                Arguments.of(
                        "js",
                        lines("let q = 1;", "export function a() { x(); }", "export default async function b() {}"),
                        "export default async function b()"),
                Arguments.of(
                        "ts",
                        lines("let q = 1;", "export interface A { x: number }", "export enum B { X, Y, Z }"),
                        "export enum B"),
                Arguments.of(
                        "go", lines("package a", "func A() { x() }", "func (r *R) B() { y() }"), "func (r *R) B()"),
                Arguments.of(
                        "rust", lines("use x;", "fn a() { x(); }", "pub(crate) fn b() { y(); }"), "pub(crate) fn b()"),
                Arguments.of("cpp", lines("#include <x>", "namespace a { int x; }", "class B { int y; };"), "class B"),
                Arguments.of(
                        "cpp",
                        lines("#include <x>", "int a(void) { return 1; }", "void b(void) { c(); }"),
                        "void b(void)"),
                Arguments.of(
                        "ruby",
                        lines("class A", "  def a; x; end", "  private def b; y; end", "end"),
                        "private def b;"),
                Arguments.of(
                        "php",
                        lines(
                                "<?php",
                                "class A {",
                                "  public function a() {}",
                                "  private static function b() {}",
                                "}"),
                        "private static function b()"),
                Arguments.of(
                        "proto",
                        lines(
                                "syntax = \"proto3\";",
                                "message A { int32 x = 1; }",
                                "service B { rpc C(A) returns (A); }"),
                        "service B"),
                Arguments.of(
                        "sol",
                        lines("pragma solidity ^0.8.0;", "contract A { uint x; }", "abstract contract B { uint y; }"),
                        "abstract contract B"),
                Arguments.of("markdown", lines("# A", "text a b", "## B", "text c d"), "## B"),
                Arguments.of(
                        "latex", lines("\\section{A}", "text a b c", "\\section*{B}", "text d e f"), "\\section*{B}"),
                Arguments.of(
                        "html",
                        lines("<html>", "<body><div>a b c d</div>", "<div>e f g h</div></body>"),
                        "<div>e f g h</div>"),
                Arguments.of(
                        "rst", lines("Title", "=====", "text a b", "", "Other", "=====", "text c d"), "Other\n====="));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("samples")
    void should_start_a_chunk_at_a_structural_boundary_of_the_language(
            String language, String sample, String expectedStart) {
        List<String> chunks = split(language, 7, sample);

        assertThat(chunks).anySatisfy(chunk -> assertThat(chunk).startsWith(expectedStart));
        assertThat(chunks).allSatisfy(chunk -> assertThat(WORDS.count(chunk)).isLessThanOrEqualTo(7));
        assertThat(String.join("", chunks).replaceAll("\\s", "")).isEqualTo(sample.replaceAll("\\s", ""));
    }
}
