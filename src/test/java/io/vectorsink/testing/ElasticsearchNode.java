package io.vectorsink.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real Elasticsearch 8.19 node for the integration tests, run as its own process from the
 * integration-test zip on Maven Central ({@code org.elasticsearch.distribution.integ-test-zip}), which the
 * build unpacks into {@code target/elasticsearch}.
 *
 * <p>The node runs with security on (basic authentication against the file realm, HTTP without TLS on
 * loopback), as Elasticsearch 8 runs by default, so the tests see real privilege checks: {@link #ADMIN} is a
 * superuser, {@link #WRITER} has the minimal role docs/stores.md documents, {@link #NO_MONITOR} the same
 * without the {@code monitor} cluster privilege. Heap 256 MB, one node, loopback only, ports chosen by the
 * node ({@code http.port: 0}, read back from {@code node.portsfile}).
 *
 * <p>The zip leaves out two modules every real distribution has, so the tests supply them:
 * {@code rest-root} ({@code GET /}) as a small plugin compiled here against the zip's own jars
 * ({@code src/test/elasticsearch-plugin}), and {@code reindex} ({@code _delete_by_query}) as
 * {@link DeleteByQueryProxy}, a loopback proxy in front of the node: {@link #url()} is the proxy.
 *
 * <p>Elasticsearch refuses to run as root. Run as root (CI), the node runs as uid/gid 65534 through
 * {@code setpriv}, and its folders are handed to that user. {@link #shared()} starts one node per test JVM
 * (about 15–30 s) and stops it from a shutdown hook.
 */
public final class ElasticsearchNode implements AutoCloseable {
    /** A superuser, for the tests' own reads and for the connector where no role is under test. */
    public static final Credentials ADMIN = new Credentials("vectorsink-admin", "admin-" + UUID.randomUUID());

    /** The minimal role for the connector (docs/stores.md): monitor; create, read and write indexes. */
    public static final Credentials WRITER = new Credentials("vectorsink-writer", "writer-" + UUID.randomUUID());

    /** {@link #WRITER}'s index privileges without the {@code monitor} cluster privilege. */
    public static final Credentials NO_MONITOR =
            new Credentials("vectorsink-no-monitor", "nomonitor-" + UUID.randomUUID());

    /** The unprivileged user the node runs as when the tests run as root. */
    private static final int NOBODY = 65534;

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private static final String ROLES =
            """
            vectorsink_writer:
              cluster: [monitor]
              indices:
                - names: ['*']
                  privileges: [create_index, view_index_metadata, read, write]
            vectorsink_no_monitor:
              indices:
                - names: ['*']
                  privileges: [create_index, view_index_metadata, read, write]
            """;

    /**
     * Every test index: no replica (one node), and a refresh every 100 ms instead of every second, so
     * {@code refresh=wait_for} returns sooner. Neither changes what a test can observe, only how soon.
     */
    private static final String TEST_TEMPLATE =
            """
            {"index_patterns": ["*"], "priority": 1,
             "template": {"settings": {"number_of_replicas": 0, "refresh_interval": "100ms"}}}""";

    private static ElasticsearchNode shared;

    /** Why the shared node could not be started, once it failed. */
    private static RuntimeException sharedFailure;

    private final Path runDir;
    private final long pid;
    private final String nodeUrl;
    private final DeleteByQueryProxy proxy;

    /** A file-realm user. */
    public record Credentials(String username, String password) {
        /** The {@code Authorization} header value. */
        public String header() {
            return "Basic "
                    + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        /** The connector config's {@code indexing.auth} object. */
        public String configAuth() {
            return "{\"mode\": \"basic\", \"username\": \"%s\", \"password\": \"%s\"}".formatted(username, password);
        }
    }

    private ElasticsearchNode(Path runDir, long pid, String nodeUrl, DeleteByQueryProxy proxy) {
        this.runDir = runDir;
        this.pid = pid;
        this.nodeUrl = nodeUrl;
        this.proxy = proxy;
    }

    /** The per-JVM node, started on first use. */
    public static synchronized ElasticsearchNode shared() {
        if (sharedFailure != null) {
            // Each start is a daemonized node of ~1 GB: a failed start is not tried again for every test.
            throw new IllegalStateException("the shared Elasticsearch node failed to start earlier", sharedFailure);
        }
        if (shared == null) {
            ElasticsearchNode node;
            try {
                node = start();
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "elasticsearch-node-stop"));
            shared = node;
        }
        return shared;
    }

    /** Starts a node and its {@code _delete_by_query} proxy; the caller closes it. */
    public static ElasticsearchNode start() {
        long started = System.nanoTime();
        Path home = home();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            installRootPlugin(home);
            long compiled = System.nanoTime();
            Path runDir = Files.createTempDirectory("vectorsink-elasticsearch-");
            Path esHome = root && !readableByOthers(home) ? copy(home, runDir.resolve("home")) : home;
            Path config = writeConfig(home, runDir);
            if (root) {
                giveToNobody(runDir);
            }
            Path pidFile = runDir.resolve("node.pid");
            List<String> command = new ArrayList<>();
            if (root) {
                command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            }
            // bash runs the launcher whatever file modes the unpacking kept.
            command.addAll(
                    List.of("bash", esHome.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(runDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("start.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("ES_JAVA_HOME", System.getProperty("java.home"));
            env.put("ES_PATH_CONF", config.toString());
            env.put("ES_TMPDIR", runDir.resolve("tmp").toString());
            env.remove("ES_JAVA_OPTS");
            env.remove("JAVA_TOOL_OPTIONS");
            Process launcher = builder.start();
            // With -d the launcher returns once the node has started (or failed to).
            if (!launcher.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                throw new IllegalStateException("Elasticsearch did not start within " + STARTUP_TIMEOUT + "; log:\n"
                        + tail(runDir.resolve("start.log")));
            }
            if (launcher.exitValue() != 0 || !Files.exists(pidFile)) {
                throw new IllegalStateException("Elasticsearch did not start (launcher exit " + launcher.exitValue()
                        + "); log:\n" + tail(runDir.resolve("start.log")));
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            // From here on the node runs on its own (-d): any failure stops it, or it outlives the tests.
            try {
                String address = Files.readAllLines(runDir.resolve("logs/http.ports"))
                        .get(0)
                        .trim();
                String nodeUrl = "http://" + address;
                ElasticsearchNode node = new ElasticsearchNode(runDir, pid, nodeUrl, null);
                node.awaitYellow();
                HttpResponse<String> template = node.admin("PUT", "/_index_template/vectorsink-tests", TEST_TEMPLATE);
                if (template.statusCode() != 200) {
                    throw new IllegalStateException("the test index template was refused: " + template.body());
                }
                System.out.printf(
                        "[elasticsearch] root plugin built in %.1f s, node %s started in %.1f s%n",
                        (compiled - started) / 1e9, nodeUrl, (System.nanoTime() - compiled) / 1e9);
                return new ElasticsearchNode(runDir, pid, nodeUrl, new DeleteByQueryProxy(nodeUrl, ADMIN.header()));
            } catch (IOException | RuntimeException | InterruptedException | Error e) {
                new ElasticsearchNode(runDir, pid, "", null).close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Elasticsearch test node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Elasticsearch", e);
        }
    }

    /** The URL clients use: the node behind the {@code _delete_by_query} proxy. */
    public String url() {
        return proxy.url();
    }

    /** The node itself, without the proxy. */
    public String nodeUrl() {
        return nodeUrl;
    }

    /**
     * Sends {@code body} (JSON, or null) to the node as {@link #ADMIN}; returns the status and body. For
     * tests that set up indexes the connector did not make.
     */
    public HttpResponse<String> admin(String method, String path, String body) {
        return new OpenSearchInspector(nodeUrl, ADMIN.header()).send(method, path, body);
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
        ChromaServer.deleteRecursively(runDir);
    }

    private void awaitYellow() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                HttpResponse<String> health = admin("GET", "/_cluster/health?wait_for_status=yellow&timeout=30s", null);
                if (health.statusCode() == 200) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Elasticsearch is not healthy: " + health.body());
                }
            } catch (UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    private static Path home() {
        String property = System.getProperty("vectorsink.elasticsearch.home");
        Path home = property == null ? null : Path.of(property);
        if (home == null || !Files.isRegularFile(home.resolve("bin/elasticsearch"))) {
            throw new IllegalStateException("Elasticsearch is not unpacked at " + home + ": run the integration"
                    + " tests through `mvn verify`, which unpacks its zip into target/elasticsearch");
        }
        return home;
    }

    private static Path writeConfig(Path home, Path runDir) throws IOException {
        Path config = runDir.resolve("config");
        for (String dir : List.of("config", "config/jvm.options.d", "data", "logs", "tmp")) {
            Files.createDirectories(runDir.resolve(dir));
        }
        for (String file : List.of("jvm.options", "log4j2.properties")) {
            Files.copy(home.resolve("config").resolve(file), config.resolve(file));
        }
        Files.writeString(
                config.resolve("elasticsearch.yml"),
                """
                cluster.name: vectorsink-it-%d
                node.name: vectorsink-es
                discovery.type: single-node
                network.host: 127.0.0.1
                http.port: 0
                transport.port: 0
                node.portsfile: true
                path.data: %s
                path.logs: %s
                xpack.security.enabled: true
                # A full build disk must not turn the test indexes read-only.
                cluster.routing.allocation.disk.threshold_enabled: false
                """
                        .formatted(ProcessHandle.current().pid(), runDir.resolve("data"), runDir.resolve("logs")));
        Files.writeString(config.resolve("jvm.options.d/heap.options"), "-Xms256m\n-Xmx256m\n");
        Files.writeString(
                config.resolve("users"),
                String.join(
                        "\n",
                        ADMIN.username() + ":" + pbkdf2(ADMIN.password()),
                        WRITER.username() + ":" + pbkdf2(WRITER.password()),
                        NO_MONITOR.username() + ":" + pbkdf2(NO_MONITOR.password()),
                        ""));
        Files.writeString(
                config.resolve("users_roles"),
                "superuser:" + ADMIN.username() + "\nvectorsink_writer:" + WRITER.username()
                        + "\nvectorsink_no_monitor:" + NO_MONITOR.username() + "\n");
        Files.writeString(config.resolve("roles.yml"), ROLES);
        return config;
    }

    /** A password hash the file realm reads: {@code {PBKDF2}cost$salt$hash}, PBKDF2 with HMAC-SHA512. */
    static String pbkdf2(String password) {
        try {
            byte[] salt = new byte[32];
            new SecureRandom().nextBytes(salt);
            int cost = 10_000;
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, cost, 256))
                    .getEncoded();
            Base64.Encoder base64 = Base64.getEncoder();
            return "{PBKDF2}" + cost + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JDK", e);
        }
    }

    /**
     * Compiles the {@code GET /} plugin against the zip's jars and installs it into the node's
     * {@code plugins/} folder (again on every start: it takes a few seconds and keeps it current).
     */
    private static void installRootPlugin(Path home) throws IOException {
        String source = System.getProperty("vectorsink.elasticsearch.plugin.src", "src/test/elasticsearch-plugin");
        Path sourceFile = Path.of(source, "io/vectorsink/testing/esroot/RestRootPlugin.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the tests need a JDK (javac) to build the Elasticsearch root plugin");
        }
        String classpath;
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            classpath = jars.filter(p -> p.toString().endsWith(".jar"))
                    .map(Path::toString)
                    .sorted()
                    .reduce((a, b) -> a + java.io.File.pathSeparator + b)
                    .orElseThrow();
        }
        Path classes = Files.createTempDirectory("vectorsink-es-plugin-");
        try {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int exit = javac.run(
                    null,
                    errors,
                    errors,
                    "-proc:none",
                    "--release",
                    "17",
                    "-classpath",
                    classpath,
                    "-d",
                    classes.toString(),
                    sourceFile.toString());
            if (exit != 0) {
                throw new IllegalStateException("could not compile " + sourceFile + ":\n" + errors);
            }
            Path plugin = home.resolve("plugins/vectorsink-rest-root");
            Files.createDirectories(plugin);
            try (OutputStream file = Files.newOutputStream(plugin.resolve("vectorsink-rest-root.jar"));
                    JarOutputStream jar = new JarOutputStream(file);
                    Stream<Path> paths = Files.walk(classes)) {
                for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                    jar.putNextEntry(
                            new JarEntry(classes.relativize(path).toString().replace(java.io.File.separatorChar, '/')));
                    jar.write(Files.readAllBytes(path));
                    jar.closeEntry();
                }
            }
            String version = home.getFileName().toString().replace("elasticsearch-", "");
            Files.writeString(
                    plugin.resolve("plugin-descriptor.properties"),
                    """
                    description=GET / for vectorsink's integration tests (the rest-root module the zip leaves out)
                    version=%s
                    name=vectorsink-rest-root
                    classname=io.vectorsink.testing.esroot.RestRootPlugin
                    java.version=17
                    elasticsearch.version=%s
                    """
                            .formatted(version, version));
        } finally {
            ChromaServer.deleteRecursively(classes);
        }
    }

    /** Whether uid 65534 can reach and read {@code dir}: every folder on the way lets others in. */
    private static boolean readableByOthers(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return Files.getPosixFilePermissions(dir.resolve("lib")).contains(PosixFilePermission.OTHERS_READ);
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return to;
    }

    private static void giveToNobody(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
