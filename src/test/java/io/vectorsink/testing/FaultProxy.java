package io.vectorsink.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A loopback HTTP/1.1 proxy that sits in front of any HTTP peer (a store, an embedding provider) and
 * injects faults at configurable, seeded rates. It works on raw sockets, so it can do what an HTTP
 * server library cannot: reset a connection, go silent, trickle a body, or promise a body it never
 * finishes.
 *
 * <p>Every request is read whole from the client, then either answered by the proxy (429, 503, reset
 * before forwarding: the peer never sees it) or forwarded to the peer, whose answer is then delivered,
 * replaced (500, 502, reset after forwarding: the peer did the work, the client does not know) or
 * damaged (stall, slow body, truncation). The fault of the n-th request is drawn from one seeded
 * sequence, and the kinds come in a seeded round-robin order over their weights, so a long enough run
 * injects every kind and two runs with the same request sequence inject the same faults.
 *
 * <p>Bodies are framed by Content-Length in both directions (chunked requests are accepted and
 * de-chunked), so a truncated answer is one the client can tell is incomplete. Every request that reaches
 * the peer can be reported to an {@link #observe observer} (what was asked and how long the peer took), so
 * the proxy also counts a client's requests by kind. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
    /** What can go wrong with one request. */
    public enum Fault {
        /** 429 with {@code Retry-After}; not forwarded. */
        TOO_MANY_REQUESTS(false),
        /** Forwarded, and the peer's answer replaced by a 500: the work may be done, the client sees a failure. */
        INTERNAL_ERROR(true),
        /** Forwarded, and the answer replaced by a 502, as a gateway that lost the peer's answer. */
        BAD_GATEWAY(true),
        /** 503; not forwarded. */
        UNAVAILABLE(false),
        /** The connection is reset (TCP RST) before the request is forwarded. */
        RESET_BEFORE(false),
        /** Forwarded, then the connection is reset instead of answering. */
        RESET_AFTER(true),
        /**
         * Forwarded, then nothing is sent for {@link #stall(Duration, int) the stall time} (by default longer
         * than the connector's 60 s read timeout, see {@code http/HttpClients}); then the connection closes.
         */
        STALL(true),
        /** Forwarded, and the answer sent in small pieces with pauses; it arrives whole. */
        SLOW_BODY(true),
        /** Forwarded, and the answer cut off halfway through its declared length; then the connection closes. */
        TRUNCATED(true);

        private final boolean forwarded;

        Fault(boolean forwarded) {
            this.forwarded = forwarded;
        }

        /** Whether the peer receives the request before the fault strikes. */
        public boolean forwarded() {
            return forwarded;
        }
    }

    /**
     * Which requests get faults: each request that {@code affects} accepts ({@code "METHOD /path?query"})
     * gets one with probability {@code rate}; its kind follows the weights.
     */
    public record Plan(double rate, Map<Fault, Integer> weights, Predicate<String> affects) {
        public Plan {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rate must be between 0 and 1, got " + rate);
            }
            Map<Fault, Integer> copy = new EnumMap<>(Fault.class);
            copy.putAll(weights);
            weights = Collections.unmodifiableMap(copy);
            if (rate > 0
                    && weights.values().stream().mapToInt(Integer::intValue).sum() < 1) {
                throw new IllegalArgumentException("a plan with faults needs at least one fault kind with weight >= 1");
            }
            weights.forEach((fault, weight) -> {
                if (weight < 0) {
                    throw new IllegalArgumentException("weights must be >= 0, got " + weight + " for " + fault);
                }
            });
            Objects.requireNonNull(affects, "affects");
        }

        /** No faults: a plain proxy. */
        public static Plan none() {
            return new Plan(0, Map.of(), request -> true);
        }

        /** Every request gets {@code fault}: a persistent outage or misbehaviour. */
        public static Plan always(Fault fault) {
            return new Plan(1, Map.of(fault, 1), request -> true);
        }

        /** A share {@code rate} of requests gets a fault, every kind in {@code kinds} equally often. */
        public static Plan mix(double rate, Set<Fault> kinds) {
            Map<Fault, Integer> weights = new EnumMap<>(Fault.class);
            kinds.forEach(kind -> weights.put(kind, 1));
            return new Plan(rate, weights, request -> true);
        }

        /** The same plan, for requests whose {@code "METHOD /path?query"} matches {@code affects} only. */
        public Plan only(Predicate<String> affected) {
            return new Plan(rate, weights, affected);
        }
    }

    /**
     * A request the peer answered: its method, path and query, body, the peer's status, and the nanoseconds
     * from sending the request to the peer until its whole answer was read.
     */
    public record Exchange(String method, String target, byte[] body, int status, long nanos) {}

    /** Hop-by-hop and framing headers, and the ones Java's HTTP client refuses to set. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "date",
            "from",
            "origin",
            "referer",
            "via",
            "warning",
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "host",
            "expect",
            "http2-settings");

    private final String target;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient upstream = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Random draws;
    private final List<Fault> order = new ArrayList<>();
    private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();
    private final long seed;
    private int next;
    private volatile Plan plan = Plan.none();
    private volatile Duration retryAfter = Duration.ofSeconds(1);
    private volatile Duration stall = Duration.ofSeconds(65);
    private volatile int maxStalls = Integer.MAX_VALUE;
    private volatile int slowPieces = 8;
    private volatile Duration slowPause = Duration.ofMillis(50);
    private volatile boolean closed;
    private volatile Consumer<Exchange> observer = exchange -> {};
    private final Future<?> accepting;

    /** A proxy to {@code target} (e.g. {@code http://127.0.0.1:8000}) on a free loopback port, with no faults yet. */
    public FaultProxy(String target, long seed) {
        this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        this.seed = seed;
        this.draws = new Random(seed);
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the fault proxy's port", e);
        }
        accepting = threads.submit(this::acceptLoop);
    }

    /** The proxy's base URL, to configure in place of the target's. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Replaces the plan; requests already in progress keep the fault they drew. */
    public synchronized FaultProxy plan(Plan newPlan) {
        this.plan = Objects.requireNonNull(newPlan, "plan");
        order.clear();
        newPlan.weights().forEach((fault, weight) -> {
            for (int i = 0; i < weight; i++) {
                order.add(fault);
            }
        });
        Collections.shuffle(order, new Random(seed));
        next = 0;
        return this;
    }

    /**
     * Reports every request the peer answers to {@code observer}, from the proxy's threads (several at once),
     * before the answer goes back to the client.
     */
    public FaultProxy observe(Consumer<Exchange> newObserver) {
        this.observer = Objects.requireNonNull(newObserver, "observer");
        return this;
    }

    /** The {@code Retry-After} of injected 429s (whole seconds; default 1 s). */
    public FaultProxy retryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    /** How long a stall stays silent (default 65 s) and how many stalls at most (default no limit). */
    public FaultProxy stall(Duration silence, int atMost) {
        this.stall = silence;
        this.maxStalls = atMost;
        return this;
    }

    /** A slow body comes in {@code pieces} pieces with {@code pause} before each (default 8 and 50 ms). */
    public FaultProxy slowBody(int pieces, Duration pause) {
        this.slowPieces = Math.max(1, pieces);
        this.slowPause = pause;
        return this;
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    /** Requests that reached the peer so far. */
    public int forwarded() {
        return forwarded.get();
    }

    /** The faults injected so far, by kind. */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        injected.forEach((fault, count) -> counts.put(fault, count.get()));
        return counts;
    }

    /** All faults injected so far. */
    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /**
     * Stops listening and drops every open connection: from now on the client's connects are refused,
     * as when the peer's host is down.
     */
    public void refuseConnections() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        // A thread blocked in accept() keeps the kernel's listening socket alive, still taking connections
        // into its backlog, until it wakes up; only then is the port really closed. Return after that, so a
        // connect made afterwards is refused rather than accepted and dropped.
        try {
            accepting.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the accept loop ended badly or late: the port is closed as far as this proxy can tell
        }
        for (Socket socket : connections) {
            reset(socket);
        }
    }

    @Override
    public void close() {
        refuseConnections();
        threads.shutdownNow();
    }

    // ---- connections ----------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true); // slow bodies and truncations are written in pieces
                connections.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // the listener was closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Request request = Request.read(in);
                if (request == null) {
                    return; // the client closed the connection
                }
                requests.incrementAndGet();
                if (!handle(request, socket, in, out) || request.wantsClose()) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or the proxy is closing: nothing to answer.
        } finally {
            connections.remove(socket);
        }
    }

    /** Answers one request; false when the connection must not be used any more. */
    private boolean handle(Request request, Socket socket, InputStream in, OutputStream out) throws IOException {
        Fault fault = draw(request);
        if (fault == null) {
            write(out, forward(request), request);
            return true;
        }
        injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        Answer answer = fault.forwarded() ? forward(request) : null;
        switch (fault) {
            case TOO_MANY_REQUESTS -> {
                Answer refused = Answer.json(429, "{\"error\":\"injected: too many requests\"}");
                refused.headers().add(new String[] {"Retry-After", Long.toString(retryAfter.toSeconds())});
                write(out, refused, request);
                return true;
            }
            case INTERNAL_ERROR -> {
                write(out, Answer.json(500, "{\"error\":\"injected: internal error\"}"), request);
                return true;
            }
            case BAD_GATEWAY -> {
                write(out, Answer.json(502, "{\"error\":\"injected: bad gateway\"}"), request);
                return true;
            }
            case UNAVAILABLE -> {
                write(out, Answer.json(503, "{\"error\":\"injected: unavailable\"}"), request);
                return true;
            }
            case RESET_BEFORE, RESET_AFTER -> {
                reset(socket);
                return false;
            }
            case STALL -> {
                silence(socket, in);
                return false;
            }
            case SLOW_BODY -> {
                byte[] bytes = answer.bytes(request);
                int piece = Math.max(1, (bytes.length + slowPieces - 1) / slowPieces);
                for (int from = 0; from < bytes.length; from += piece) {
                    pause(slowPause);
                    out.write(bytes, from, Math.min(piece, bytes.length - from));
                    out.flush();
                }
                return true;
            }
            case TRUNCATED -> {
                byte[] bytes = answer.bytes(request);
                int head = answer.head(request).length;
                // Half of the body when there is one, else half of the head: the client always sees less
                // than the response promised.
                int cut = bytes.length > head ? head + (bytes.length - head) / 2 : head / 2;
                out.write(bytes, 0, cut);
                out.flush();
                socket.shutdownOutput();
                return false;
            }
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private synchronized Fault draw(Request request) {
        Plan current = plan;
        if (current.rate() == 0 || !current.affects().test(request.method() + " " + request.target())) {
            return null;
        }
        if (draws.nextDouble() >= current.rate()) {
            return null;
        }
        for (int tries = 0; tries < order.size(); tries++) {
            Fault fault = order.get(next);
            next = (next + 1) % order.size();
            if (fault != Fault.STALL || stalls.getAndIncrement() < maxStalls) {
                return fault;
            }
        }
        return null; // only stalls are planned and their budget is spent
    }

    private Answer forward(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target + request.target()))
                .timeout(Duration.ofSeconds(120))
                .method(
                        request.method(),
                        request.body().length == 0 && !request.method().equals("POST")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (String[] header : request.headers()) {
            if (!HOP_BY_HOP.contains(header[0].toLowerCase(Locale.ROOT))) {
                builder.header(header[0], header[1]);
            }
        }
        try {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = upstream.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            long nanos = System.nanoTime() - start;
            forwarded.incrementAndGet();
            observer.accept(
                    new Exchange(request.method(), request.target(), request.body(), response.statusCode(), nanos));
            List<String[]> headers = new ArrayList<>();
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(value -> headers.add(new String[] {name, value}));
                }
            });
            return new Answer(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            return Answer.json(502, "{\"error\":\"the fault proxy could not reach the peer\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.json(502, "{\"error\":\"the fault proxy was interrupted\"}");
        }
    }

    private static void write(OutputStream out, Answer answer, Request request) throws IOException {
        out.write(answer.bytes(request));
        out.flush();
    }

    /** Sends nothing until the client gives up (closes) or the stall time passes. */
    private void silence(Socket socket, InputStream in) throws IOException {
        long deadline = System.nanoTime() + stall.toNanos();
        while (!closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            try {
                if (in.read() < 0) {
                    return; // the client timed out and closed
                }
            } catch (SocketTimeoutException e) {
                return;
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close with RST, not FIN
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- HTTP/1.1 framing -----------------------------------------------------------------------

    /** A request read from the client. {@code target} is the path and query as sent. */
    private record Request(String method, String target, List<String[]> headers, byte[] body) {
        private static final int MAX_HEAD = 64 * 1024;

        String header(String name) {
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(name)) {
                    return header[1];
                }
            }
            return null;
        }

        boolean wantsClose() {
            String connection = header("Connection");
            return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        }

        /** The next request on the connection, or null at a clean end of the connection. */
        static Request read(InputStream in) throws IOException {
            String head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3) {
                throw new IOException("not an HTTP request line");
            }
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.add(new String[] {
                        lines[i].substring(0, colon).strip(),
                        lines[i].substring(colon + 1).strip()
                    });
                }
            }
            Request partial = new Request(requestLine[0], requestLine[1], headers, new byte[0]);
            byte[] body;
            String encoding = partial.header("Transfer-Encoding");
            String length = partial.header("Content-Length");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = readChunked(in);
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length.strip()));
            } else {
                body = new byte[0];
            }
            return new Request(requestLine[0], requestLine[1], headers, body);
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("the connection ended inside a request head");
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
                if (matched == 4) {
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    return text.substring(0, text.length() - 4);
                }
                if (head.size() > MAX_HEAD) {
                    throw new IOException("request head too large");
                }
            }
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers are dropped
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b < 0) {
                throw new IOException("the connection ended inside a chunked body");
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** An answer to send: status, headers (without framing), body. */
    private record Answer(int status, List<String[]> headers, byte[] body) {
        static Answer json(int status, String body) {
            List<String[]> headers = new ArrayList<>();
            headers.add(new String[] {"Content-Type", "application/json"});
            return new Answer(status, headers, body.getBytes(StandardCharsets.UTF_8));
        }

        /** The whole response as bytes, framed by Content-Length. */
        byte[] bytes(Request request) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(head(request));
            if (!bodiless(request)) {
                bytes.writeBytes(body);
            }
            return bytes.toByteArray();
        }

        private boolean bodiless(Request request) {
            return request.method().equals("HEAD") || status == 204 || status == 304;
        }

        /** The status line and headers, with Content-Length unless the answer has no body. */
        byte[] head(Request request) {
            StringBuilder head = new StringBuilder("HTTP/1.1 ")
                    .append(status)
                    .append(' ')
                    .append(reason(status))
                    .append("\r\n");
            for (String[] header : headers) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            if (!bodiless(request)) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 201 -> "Created";
                case 204 -> "No Content";
                case 400 -> "Bad Request";
                case 404 -> "Not Found";
                case 429 -> "Too Many Requests";
                case 500 -> "Internal Server Error";
                case 502 -> "Bad Gateway";
                case 503 -> "Service Unavailable";
                default -> "Status";
            };
        }
    }
}
