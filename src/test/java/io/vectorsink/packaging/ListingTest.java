package io.vectorsink.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vectorsink.config.SpecSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What Airbyte's registry checks before it lists a connector: a square {@code icon.svg}, and the user-facing
 * page at {@code docs/integrations/destinations/<name>.md}, the path the documentation URL names, with the
 * sections Airbyte's destination pages have and a changelog row for the image's version.
 */
class ListingTest {
    private static final Path PROJECT = Paths.get("").toAbsolutePath();
    private static final String DOCS_SITE = "https://docs.airbyte.com/";

    private static JsonNode metadata() throws IOException {
        return new YAMLMapper()
                .readTree(PROJECT.resolve("metadata.yaml").toFile())
                .get("data");
    }

    @Test
    void should_have_a_square_svg_icon() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Element svg = factory.newDocumentBuilder()
                .parse(PROJECT.resolve("icon.svg").toFile())
                .getDocumentElement();

        assertThat(svg.getLocalName()).isEqualTo("svg");
        String[] viewBox = svg.getAttribute("viewBox").split("\\s+");
        assertThat(viewBox).hasSize(4);
        assertThat(viewBox[2]).isEqualTo(viewBox[3]);
        assertThat(svg.getAttribute("width")).isEqualTo(svg.getAttribute("height"));
    }

    @Test
    void should_point_the_documentation_url_at_the_page_in_this_repository() throws IOException {
        String url = SpecSchema.spec().get("documentationUrl").asText();

        assertThat(metadata().get("documentationUrl").asText()).isEqualTo(url);
        assertThat(url).startsWith(DOCS_SITE + "integrations/destinations/");
        assertThat(url.substring(url.lastIndexOf('/') + 1))
                .as("Airbyte names the page after the image without its type prefix")
                .isEqualTo(metadata().get("dockerRepository").asText().replaceFirst("^airbyte/destination-", ""));
        assertThat(PROJECT.resolve("docs/" + url.substring(DOCS_SITE.length()) + ".md"))
                .isRegularFile();
    }

    @Test
    void should_give_the_page_the_sections_of_airbytes_destination_pages_in_order() throws IOException {
        String page = page();
        List<String> headers = List.of(
                "# " + metadata().get("name").asText(),
                "## Prerequisites",
                "## Setup guide",
                "## Supported sync modes",
                "## Features",
                "## Limitations & Troubleshooting",
                "## Changelog");

        int previous = -1;
        for (String header : headers) {
            int at = page.indexOf("\n" + header + "\n");
            assertThat(at).as(header + ", after the header before it").isGreaterThan(previous);
            previous = at;
        }
        for (String store : List.of("Chroma", "OpenSearch", "Qdrant", "Pinecone", "Milvus", "Weaviate")) {
            assertThat(page).as(store).contains("- **" + store);
        }
        for (String provider : List.of("Local model", "OpenAI", "Azure OpenAI", "Cohere", "OpenAI-compatible")) {
            assertThat(page).as(provider).contains("- **" + provider);
        }
    }

    @Test
    void should_list_the_image_version_in_the_changelog_table() throws IOException {
        Matcher row =
                Pattern.compile("(?m)^\\| (\\S+) \\| \\d{4}-\\d{2}-\\d{2} \\|").matcher(page());

        assertThat(row.find()).isTrue();
        assertThat(row.group(1)).isEqualTo(metadata().get("dockerImageTag").asText());
    }

    @Test
    void should_link_only_to_files_that_exist() throws IOException {
        Path dir = page.getParent();
        Matcher link = Pattern.compile("\\]\\((?!https://)([^)#]+)(#[^)]*)?\\)").matcher(page());
        int links = 0;
        while (link.find()) {
            links++;
            assertThat(dir.resolve(link.group(1)).normalize()).as(link.group(1)).isRegularFile();
        }
        assertThat(links).isGreaterThan(3);
    }

    private final Path page = PROJECT.resolve("docs/integrations/destinations/vectorsink.md");

    private String page() throws IOException {
        return "\n" + Files.readString(page);
    }
}
