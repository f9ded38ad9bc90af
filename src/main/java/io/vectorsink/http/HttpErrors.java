package io.vectorsink.http;

import io.vectorsink.error.Causes;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Turns unsuccessful answers and I/O failures into the connector's exceptions, in plain words.
 * Retryable outcomes never get here while retries remain: {@link HttpService} reports them as
 * {@link io.vectorsink.error.TransientException} once the retries are spent.
 */
public final class HttpErrors {
    private HttpErrors() {}

    /**
     * The exception for a non-retryable unsuccessful answer: 401/403 are credentials or their permissions
     * (config; a 403 with the server's words), a
     * redirect is a wrong URL (config), 404/405 mean the URL does not point at the expected API
     * (config), any other status is an answer the connector did not expect (system).
     */
    public static ConnectorException classify(String service, HttpStatus status) {
        int code = status.code();
        if (code == 401) {
            return new ConfigException(service + " rejected the credentials (HTTP 401)");
        }
        if (code == 403) {
            // Often right credentials without a permission (a read-only key that writes): the server's own
            // words, secrets redacted, say which.
            return new ConfigException(service + " refused access (" + status.describe()
                    + "): check the credentials and that they have the permissions the connector needs");
        }
        if (code >= 300 && code < 400) {
            return new ConfigException(service + " answered with a redirect (HTTP " + code
                    + "); configure the final URL directly (redirects are not followed, so credentials"
                    + " never go to another host)");
        }
        if (code == 404 || code == 405) {
            return new ConfigException(service + " does not offer the expected API at the configured URL ("
                    + status.describe() + "); check the host and that the server version is supported");
        }
        if (RetryPolicies.isRetryableStatus(code)) {
            return new SystemException(service + " failed (" + status.describe() + ")");
        }
        return new SystemException(service + " refused the request (" + status.describe() + ")");
    }

    /**
     * Whether a successful answer that is not JSON is a web page: HTML by its content type, or by its first
     * character (JSON never starts with {@code <}). A page where an API should answer is a wrong URL or port
     * (a proxy's default page, a dashboard, a login form), not a fault of the service.
     */
    public static boolean isWebPage(okhttp3.MediaType type, byte[] body) {
        if (type != null && type.subtype().toLowerCase(Locale.ROOT).contains("html")) {
            return true;
        }
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        return i < body.length && body[i] == '<';
    }

    /** What a plain-http server makes of a TLS handshake, as the JDK words it. */
    private static final String NOT_TLS = "unsupported or unrecognized ssl message";

    /** How OkHttp words an answer whose first line is not an HTTP status line. */
    private static final String NOT_HTTP = "unexpected status line";

    /**
     * Whether an I/O failure says what every further attempt would meet: the server's TLS certificate is
     * refused (not trusted, or not for this host name), the server behind an https URL does not speak TLS,
     * or what answers at the port does not speak HTTP. A retry cannot change any of them; the URL must.
     */
    public static boolean isPermanent(IOException e) {
        return permanentProblem(e) != null;
    }

    /**
     * The config error for a permanent I/O failure ({@link #isPermanent}), naming the service and the origin
     * (scheme, host and port, never a path or query) it was sent to.
     */
    public static ConfigException permanent(String service, okhttp3.HttpUrl url, IOException e) {
        String origin = url.scheme() + "://" + url.host() + ":" + url.port();
        return new ConfigException(service + " at " + origin + " cannot be used: " + permanentProblem(e), e);
    }

    private static String permanentProblem(IOException e) {
        String message = lowerMessage(e);
        if (e instanceof SSLPeerUnverifiedException) {
            return "its TLS certificate is not for this host name";
        }
        if (e instanceof SSLHandshakeException && Causes.has(e, CertificateException.class)) {
            return "its TLS certificate is not trusted (self-signed, expired, or from an authority the connector's"
                    + " Java runtime does not trust)";
        }
        if (e instanceof SSLException && message.contains(NOT_TLS)) {
            return "the server does not speak TLS at this port (is it http://, or is the TLS port another?)";
        }
        if (e instanceof ProtocolException && message.startsWith(NOT_HTTP)) {
            return "what answers at this port does not answer in HTTP (is the port the service's HTTP port?)";
        }
        return null;
    }

    private static String lowerMessage(IOException e) {
        return e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    }

    /**
     * A short, content-free description of an I/O failure: "connection refused", "timed out",
     * "unknown host", "connection reset", "TLS handshake failed" or the exception type.
     */
    public static String describe(IOException e) {
        String message = lowerMessage(e);
        if (e instanceof ConnectException) {
            return message.contains("timed out") ? "connect timed out" : "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof SSLException) {
            return "TLS handshake failed";
        }
        if (e instanceof InterruptedIOException && message.contains("timeout")) {
            // OkHttp's call timeout.
            return "timed out";
        }
        if (e instanceof SocketException && message.contains("reset")) {
            return "connection reset";
        }
        if (message.contains("unexpected end of stream")) {
            return "connection closed by the server";
        }
        return e.getClass().getSimpleName();
    }
}
