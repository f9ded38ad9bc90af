package io.vectorsink.chunking;

import io.vectorsink.chunking.Boundary.LineKeyword;
import io.vectorsink.chunking.Boundary.Literal;
import io.vectorsink.chunking.Boundary.Markdown;
import io.vectorsink.chunking.Boundary.RuleLine;
import io.vectorsink.chunking.Boundary.Tag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Split levels for code mode, per language: coarse structure first (types, then functions, then control flow),
 * then blank lines, lines and spaces. Keywords match at the start of a line at any indentation, so methods
 * inside a class are found too. Comment, annotation and decorator lines directly above a match stay with it.
 */
final class Languages {
    private static final Map<String, List<Level>> TABLE = build();
    private static final Set<String> NAMES = Collections.unmodifiableSet(TABLE.keySet());

    private Languages() {}

    /** Supported language names, sorted. */
    static Set<String> names() {
        return NAMES;
    }

    /** Levels for {@code language} (case-insensitive, surrounding blanks ignored), or null if unsupported. */
    static List<Level> levels(String language) {
        return TABLE.get(language.strip().toLowerCase(Locale.ROOT));
    }

    private static Map<String, List<Level>> build() {
        Map<String, List<Level>> table = new TreeMap<>();
        List<String> cStyleComments = List.of("@", "/**", "/*", "*", "//");

        List<String> javaModifiers = List.of(
                "public", "protected", "private", "static", "abstract", "final", "sealed", "non-sealed", "strictfp");
        table.put(
                "java",
                code(
                        decl(cStyleComments, javaModifiers, "class", "interface", "enum", "record", "@interface"),
                        words(cStyleComments, "public", "protected", "private", "static", "abstract", "final"),
                        words(cStyleComments, "if", "for", "while", "do", "switch", "case", "try")));

        List<String> kotlinModifiers = List.of(
                "public",
                "private",
                "protected",
                "internal",
                "open",
                "abstract",
                "final",
                "sealed",
                "data",
                "enum",
                "inner",
                "annotation",
                "value",
                "inline",
                "companion",
                "expect",
                "actual",
                "override",
                "suspend",
                "operator",
                "infix",
                "tailrec",
                "external",
                "const",
                "lateinit");
        table.put(
                "kotlin",
                code(
                        decl(cStyleComments, kotlinModifiers, "class", "interface", "object"),
                        decl(cStyleComments, kotlinModifiers, "fun", "constructor", "init", "val", "var", "typealias"),
                        words(cStyleComments, "if", "for", "while", "do", "when", "try")));

        List<String> scalaModifiers = List.of(
                "private",
                "protected",
                "final",
                "sealed",
                "abstract",
                "implicit",
                "case",
                "override",
                "lazy",
                "inline",
                "open",
                "transparent",
                "opaque");
        table.put(
                "scala",
                code(
                        decl(cStyleComments, scalaModifiers, "class", "trait", "object", "enum"),
                        decl(cStyleComments, scalaModifiers, "def", "val", "var", "given", "type", "extension"),
                        words(cStyleComments, "if", "for", "while", "do", "try", "case")));

        List<String> swiftComments = List.of("@", "///", "//", "/**", "/*", "*");
        List<String> swiftModifiers = List.of(
                "public",
                "private",
                "fileprivate",
                "internal",
                "open",
                "final",
                "static",
                "override",
                "mutating",
                "nonmutating",
                "convenience",
                "required",
                "lazy",
                "weak",
                "unowned",
                "dynamic",
                "nonisolated",
                "indirect");
        table.put(
                "swift",
                code(
                        decl(
                                swiftComments,
                                swiftModifiers,
                                "class",
                                "struct",
                                "enum",
                                "protocol",
                                "extension",
                                "actor"),
                        decl(swiftComments, swiftModifiers, "func", "init", "deinit", "subscript", "var", "let"),
                        words(
                                swiftComments,
                                "if",
                                "guard",
                                "for",
                                "while",
                                "repeat",
                                "switch",
                                "case",
                                "do",
                                "defer")));

        List<String> pythonComments = List.of("@", "#");
        table.put(
                "python",
                code(
                        words(pythonComments, "class"),
                        decl(pythonComments, List.of("async"), "def"),
                        words(pythonComments, "if", "for", "while", "with", "try")));

        List<String> jsLevels1 = List.of("export", "default", "declare", "abstract");
        List<String> jsLevels2 = List.of("export", "default", "async", "declare");
        List<Level> js = code(
                decl(cStyleComments, jsLevels1, "class", "interface", "enum", "namespace", "module"),
                decl(cStyleComments, jsLevels2, "function", "const", "let", "var", "type"),
                words(cStyleComments, "if", "for", "while", "do", "switch", "case", "try"));
        table.put("js", js);
        table.put("ts", js);

        List<String> goComments = List.of("//");
        table.put(
                "go",
                code(
                        words(goComments, "func", "type"),
                        words(goComments, "var", "const", "import", "package"),
                        words(goComments, "if", "for", "switch", "select", "case", "defer", "go")));

        List<String> rustComments = List.of("#[", "#![", "///", "//!", "//");
        List<String> rustModifiers = List.of(
                "pub", "pub(crate)", "pub(super)", "pub(self)", "unsafe", "async", "const", "extern", "default");
        table.put(
                "rust",
                code(
                        decl(
                                rustComments,
                                rustModifiers,
                                "mod",
                                "trait",
                                "impl",
                                "struct",
                                "enum",
                                "union",
                                "fn",
                                "type",
                                "macro_rules!"),
                        words(rustComments, "const", "static", "use", "let", "extern"),
                        words(rustComments, "if", "while", "for", "loop", "match")));

        // C and C++ functions start with a return type, not a keyword; common type words stand in for one.
        List<String> cppComments = List.of("//", "/*", "*", "template");
        List<Level> cpp = code(
                words(cppComments, "namespace", "class", "struct", "union", "enum", "typedef"),
                words(
                        cppComments,
                        "void",
                        "int",
                        "bool",
                        "char",
                        "float",
                        "double",
                        "long",
                        "short",
                        "unsigned",
                        "signed",
                        "auto",
                        "static",
                        "inline",
                        "virtual",
                        "explicit",
                        "constexpr",
                        "extern",
                        "const",
                        "friend",
                        "size_t",
                        "std::"),
                words(cppComments, "if", "for", "while", "do", "switch", "case", "try"));
        table.put("cpp", cpp);

        List<String> rubyComments = List.of("#");
        table.put(
                "ruby",
                code(
                        words(rubyComments, "class", "module"),
                        decl(rubyComments, List.of("private", "protected", "public"), "def"),
                        words(rubyComments, "if", "unless", "while", "until", "for", "begin", "case")));

        List<String> phpComments = List.of("#[", "/**", "/*", "*", "//", "#");
        table.put(
                "php",
                code(
                        decl(
                                phpComments,
                                List.of("abstract", "final", "readonly"),
                                "namespace",
                                "class",
                                "interface",
                                "trait",
                                "enum"),
                        decl(
                                phpComments,
                                List.of("public", "protected", "private", "static", "abstract", "final"),
                                "function",
                                "const"),
                        words(phpComments, "if", "foreach", "for", "while", "do", "switch", "case", "try")));

        List<String> protoComments = List.of("//", "/*", "*");
        table.put(
                "proto",
                code(
                        words(
                                protoComments,
                                "syntax",
                                "edition",
                                "package",
                                "import",
                                "option",
                                "message",
                                "service",
                                "enum",
                                "extend"),
                        words(protoComments, "rpc", "oneof", "reserved")));

        List<String> solidityComments = List.of("///", "//", "/**", "/*", "*");
        table.put(
                "sol",
                code(
                        decl(
                                solidityComments,
                                List.of("abstract"),
                                "pragma",
                                "import",
                                "contract",
                                "interface",
                                "library"),
                        words(
                                solidityComments,
                                "constructor",
                                "function",
                                "modifier",
                                "event",
                                "error",
                                "struct",
                                "enum",
                                "type",
                                "using",
                                "receive",
                                "fallback"),
                        words(solidityComments, "if", "for", "while", "do", "assembly", "unchecked", "try")));

        table.put(
                "markdown",
                code(
                        Markdown.headers(1, 2),
                        Markdown.headers(3, 3),
                        Markdown.headers(4, 6),
                        Markdown.codeFences(),
                        new RuleLine("-*_=", "-=")));

        List<String> latexComments = List.of("%");
        table.put(
                "latex",
                code(
                        words(latexComments, "\\part", "\\chapter", "\\section"),
                        words(latexComments, "\\subsection", "\\subsubsection"),
                        words(latexComments, "\\paragraph", "\\subparagraph", "\\begin"),
                        words(latexComments, "\\item")));

        table.put(
                "html",
                code(
                        new Tag(List.of(
                                "html", "head", "body", "header", "footer", "nav", "main", "section", "article",
                                "aside", "script", "style")),
                        new Tag(List.of("h1", "h2", "h3", "h4", "h5", "h6", "div", "table", "form")),
                        new Tag(List.of("p", "ul", "ol", "li", "tr", "pre", "blockquote", "br", "hr")),
                        new Tag(List.of("td", "th", "span", "a", "img"))));

        // reStructuredText section titles are underlined (optionally overlined) with any punctuation character.
        table.put("rst", code(new RuleLine("=-`:'\"~^_*+#<>.", "=-`:'\"~^_*+#<>."), words(List.of(), ".. ")));
        return table;
    }

    /** The structural levels, then blank lines, lines and spaces; code keeps each separator with what follows. */
    private static List<Level> code(Boundary... structure) {
        List<Level> levels = new ArrayList<>();
        for (Boundary boundary : structure) {
            levels.add(new Level(boundary, true));
        }
        levels.add(new Level(new Literal("\n\n"), true));
        levels.add(new Level(new Literal("\n"), true));
        levels.add(new Level(new Literal(" "), true));
        return List.copyOf(levels);
    }

    private static Boundary words(List<String> attached, String... keywords) {
        return new LineKeyword(List.of(), List.of(keywords), attached);
    }

    private static Boundary decl(List<String> attached, List<String> modifiers, String... keywords) {
        return new LineKeyword(modifiers, List.of(keywords), attached);
    }
}
