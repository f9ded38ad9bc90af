package io.vectorsink.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.vectorsink.config.SpecSchema;
import io.vectorsink.embedding.cohere.CohereApi;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.pinecone.PineconeVectorStore;
import io.vectorsink.testing.AirbyteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** metadata.yaml follows Airbyte's schema and agrees with the spec, the Dockerfile and the pom. */
class MetadataYamlTest {
    private static final Path PROJECT = Paths.get("").toAbsolutePath();
    private static final Pattern CONFIG_REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

    private static JsonNode metadata;
    private static List<String> dockerfile;

    @BeforeAll
    static void load() throws IOException {
        metadata = new YAMLMapper().readTree(PROJECT.resolve("metadata.yaml").toFile());
        dockerfile = Files.readAllLines(PROJECT.resolve("Dockerfile"));
    }

    @Test
    void should_validate_against_airbytes_metadata_schema() throws IOException {
        JsonNode schemaNode = Json.MAPPER.readTree(AirbyteFiles.metadataSchema());
        // The bundled schema keeps the $id of every inlined part, but its $refs are written against the
        // bundle's root ("#/properties/data/..."); without the inner $ids they resolve as meant.
        schemaNode.forEach(MetadataYamlTest::removeInnerIds);
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaNode);

        ObjectNode broken = metadata.deepCopy();
        ((ObjectNode) broken.get("data")).put("connectorSubtype", "vectors").remove("githubIssueLabel");
        ((ObjectNode) broken.at("/data/resourceRequirements/default")).put("memory_limt", "1Gi");

        assertThat(schema.validate(metadata)).isEmpty();
        assertThat(schema.validate(broken)).as("the schema really checks").hasSize(3);
    }

    @Test
    void should_describe_a_community_vector_store_destination() {
        JsonNode data = metadata.get("data");

        assertThat(data.get("connectorType").asText()).isEqualTo("destination");
        assertThat(data.get("connectorSubtype").asText()).isEqualTo("vectorstore");
        assertThat(data.get("dockerRepository").asText()).isEqualTo("airbyte/destination-vectorsink");
        assertThat(data.get("supportsRefreshes").asBoolean()).isTrue();
        assertThat(data.get("tags")).extracting(JsonNode::asText).contains("language:java");
        assertThat(data.get("documentationUrl").asText())
                .isEqualTo(SpecSchema.spec().get("documentationUrl").asText());
    }

    @Test
    void should_refer_allowed_hosts_only_to_config_fields_that_exist() {
        List<String> references = new ArrayList<>();
        metadata.at("/data/allowedHosts/hosts").forEach(host -> {
            Matcher matcher = CONFIG_REFERENCE.matcher(host.asText());
            while (matcher.find()) {
                references.add(matcher.group(1));
            }
        });
        JsonNode connection = SpecSchema.spec().get("connectionSpecification");

        assertThat(references).contains("indexing.host", "indexing.url");
        assertThat(references).allSatisfy(reference -> assertThat(fieldSchema(connection, reference))
                .as(reference)
                .hasValueSatisfying(
                        field -> assertThat(field.path("type").asText()).isEqualTo("string")));
    }

    /** The hosts of stores whose endpoints are not config fields, by spec title. */
    private static final Map<String, List<String>> FIXED_HOSTS =
            Map.of("Pinecone", List.of("api.pinecone.io", "*.pinecone.io"));

    @Test
    void should_allow_the_endpoint_of_every_store() {
        List<String> hosts = new ArrayList<>();
        metadata.at("/data/allowedHosts/hosts").forEach(host -> hosts.add(host.asText()));
        JsonNode stores = SpecSchema.spec().at("/connectionSpecification/properties/indexing/oneOf");

        assertThat(stores).allSatisfy(store -> {
            List<String> endpoints = new ArrayList<>();
            store.path("properties").properties().forEach(field -> {
                if (field.getValue().path("pattern").asText().startsWith("^https?://")) {
                    endpoints.add("${indexing." + field.getKey() + "}");
                }
            });
            // A store without an endpoint field (Pinecone) is reached at fixed hosts, listed as such.
            endpoints.addAll(FIXED_HOSTS.getOrDefault(store.path("title").asText(), List.of()));
            assertThat(endpoints).as(store.path("title").asText()).isNotEmpty();
            assertThat(hosts).as(store.path("title").asText()).containsAll(endpoints);
        });
    }

    /**
     * The platform lets a job reach only these hosts: every embedding provider's endpoint field and every
     * fixed host the code calls (OpenAI, Cohere, Pinecone's control plane) must be among them.
     */
    @Test
    void should_allow_every_host_the_embedders_and_fixed_endpoints_call() {
        List<String> hosts = new ArrayList<>();
        metadata.at("/data/allowedHosts/hosts").forEach(host -> hosts.add(host.asText()));
        List<String> needed = new ArrayList<>();
        SpecSchema.spec()
                .at("/connectionSpecification/properties/embedding/oneOf")
                .forEach(embedder -> embedder.path("properties").properties().forEach(field -> {
                    if (field.getValue().path("pattern").asText().startsWith("^https?://")) {
                        needed.add("${embedding." + field.getKey() + "}");
                    }
                }));
        for (String fixed :
                List.of(OpenAiApi.OPENAI_BASE_URL, CohereApi.COHERE_BASE_URL, PineconeVectorStore.CONTROL_PLANE)) {
            needed.add(HttpUrl.get(fixed).host());
        }

        assertThat(needed).contains("${embedding.api_base}", "${embedding.base_url}", "api.openai.com");
        assertThat(hosts).containsAll(needed);
    }

    @Test
    void should_use_the_same_command_for_airbyte_entrypoint_and_entrypoint() {
        String airbyteEntrypoint = instruction("ENV AIRBYTE_ENTRYPOINT=").replaceAll("^\"|\"$", "");
        List<String> entrypoint = new ArrayList<>();
        readJson(instruction("ENTRYPOINT ")).forEach(part -> entrypoint.add(part.asText()));

        assertThat(airbyteEntrypoint).isEqualTo(String.join(" ", entrypoint));
        assertThat(entrypoint).contains("/airbyte/destination-vectorsink.jar");
    }

    @Test
    void should_build_from_the_base_image_and_tag_that_metadata_names() throws IOException {
        JsonNode data = metadata.get("data");
        Matcher pomVersion = Pattern.compile(
                        "<artifactId>destination-vectorsink</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(PROJECT.resolve("pom.xml")));

        assertThat(instruction("FROM "))
                .isEqualTo(data.at("/connectorBuildOptions/baseImage").asText());
        assertThat(instruction("LABEL io.airbyte.name="))
                .isEqualTo(data.get("dockerRepository").asText());
        assertThat(instruction("LABEL io.airbyte.version="))
                .isEqualTo(data.get("dockerImageTag").asText());
        assertThat(pomVersion.find()).isTrue();
        assertThat(pomVersion.group(1)).isEqualTo(data.get("dockerImageTag").asText());
        assertThat(instruction("USER ")).isEqualTo("airbyte");
    }

    @Test
    void should_bound_the_heap_well_below_the_pods_memory_limit() {
        Matcher heap = Pattern.compile("^\"-Xmx(\\d+)m -XX:TieredStopAtLevel=1\"$")
                .matcher(instruction("ENV JAVA_TOOL_OPTIONS="));
        JsonNode limits = metadata.at("/data/resourceRequirements/default");

        assertThat(heap.matches())
                .as("JAVA_TOOL_OPTIONS sets a heap bound in MB and the C1 compiler only")
                .isTrue();
        long heapBytes = Long.parseLong(heap.group(1)) << 20;
        long limit = kubernetesBytes(limits.get("memory_limit").asText());
        long request = kubernetesBytes(limits.get("memory_request").asText());
        // The heap plus ONNX Runtime's native memory (about 150 MB with the local model), threads and
        // metaspace peaked at 435 MB with a 256 MB heap; the limit must hold twice that share.
        assertThat(limit).isGreaterThanOrEqualTo(2 * (heapBytes + (175L << 20)));
        assertThat(request).isBetween(heapBytes + (175L << 20), limit);
    }

    @Test
    void should_run_the_demo_and_the_benchmarks_with_the_images_jvm_options() throws IOException {
        String imageOptions = instruction("ENV JAVA_TOOL_OPTIONS=").replaceAll("^\"|\"$", "");
        Matcher demoDefault = Pattern.compile("java_opts=\"\\$\\{JAVA_OPTS:-([^}]*)}\"")
                .matcher(Files.readString(PROJECT.resolve("demo/run.sh")));

        assertThat(demoDefault.find()).as("demo/run.sh's default JAVA_OPTS").isTrue();
        assertThat(demoDefault.group(1)).isEqualTo(imageOptions);
        assertThat(String.join(" ", io.vectorsink.testing.ImageJvmOptions.read()))
                .isEqualTo(imageOptions);
    }

    @Test
    void should_build_the_image_with_the_readmes_steps_line_by_line() throws IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        Matcher block = Pattern.compile("Build the\\s+jar, then the image.*?```bash\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("the README's image steps").isTrue();
        List<String> steps = block.group(1).lines().toList();
        JsonNode data = metadata.get("data");
        String pom = Files.readString(PROJECT.resolve("pom.xml"));

        assertThat(steps).hasSize(2);
        // 1. The package step produces what the Dockerfile copies: the thin jar and its lib/ folder.
        assertThat(steps.get(0)).isEqualTo("mvn -B -DskipTests package");
        assertThat(pom).contains("<finalName>destination-vectorsink</finalName>");
        assertThat(pom)
                .containsPattern("<phase>package</phase>\\s*<goals><goal>copy-dependencies</goal></goals>"
                        + "[\\s\\S]*?<outputDirectory>\\$\\{project.build.directory}/lib</outputDirectory>");
        assertThat(dockerfile)
                .contains(
                        "COPY --chown=airbyte:airbyte target/lib/ /airbyte/lib/",
                        "COPY --chown=airbyte:airbyte target/destination-vectorsink.jar /airbyte/destination-vectorsink.jar");
        // 2. The build step tags the image as metadata names it, from this folder, as the Dockerfile says too.
        String build = "docker build -t " + data.get("dockerRepository").asText() + ":"
                + data.get("dockerImageTag").asText() + " .";
        assertThat(steps.get(1)).isEqualTo(build);
        assertThat(dockerfile).contains("#     " + build);
    }

    private static long kubernetesBytes(String quantity) {
        Matcher matcher = Pattern.compile("^(\\d+)(Mi|Gi)$").matcher(quantity);
        assertThat(matcher.matches()).as(quantity).isTrue();
        return Long.parseLong(matcher.group(1)) << (matcher.group(2).equals("Gi") ? 30 : 20);
    }

    private static void removeInnerIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("$id");
        }
        node.forEach(MetadataYamlTest::removeInnerIds);
    }

    /** The rest of the one Dockerfile line that starts with {@code prefix}. */
    private static String instruction(String prefix) {
        List<String> lines =
                dockerfile.stream().filter(line -> line.startsWith(prefix)).toList();
        assertThat(lines).as(prefix).hasSize(1);
        return lines.get(0).substring(prefix.length()).strip();
    }

    private static JsonNode readJson(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The schema of the config field at a dot path, looking into every oneOf branch on the way. */
    private static Optional<JsonNode> fieldSchema(JsonNode schema, String dotPath) {
        List<JsonNode> candidates = List.of(schema);
        for (String name : dotPath.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode candidate : candidates) {
                addIfPresent(candidate.path("properties").get(name), next);
                candidate
                        .path("oneOf")
                        .forEach(
                                branch -> addIfPresent(branch.path("properties").get(name), next));
            }
            candidates = next;
        }
        return candidates.stream().findFirst();
    }

    private static void addIfPresent(JsonNode node, List<JsonNode> nodes) {
        if (node != null) {
            nodes.add(node);
        }
    }
}
