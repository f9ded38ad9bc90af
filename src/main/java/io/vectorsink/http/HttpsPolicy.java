package io.vectorsink.http;

import io.vectorsink.error.ConfigException;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * The transport rule for every remote endpoint: https, except plain http to a loopback host
 * (127.0.0.0/8, {@code localhost}, {@code ::1}) or when the user explicitly allows insecure http; and
 * never plain http when {@code DEPLOYMENT_MODE} is {@code cloud} (Airbyte Cloud's rule for certified
 * connectors), whatever the host or the setting.
 */
public final class HttpsPolicy {
    private HttpsPolicy() {}

    /**
     * Parses and checks {@code url}, with the {@code DEPLOYMENT_MODE} of this process.
     *
     * @param what the config field, for messages ({@code indexing.host})
     * @return the parsed URL
     * @throws ConfigException when the URL is malformed or not allowed
     */
    public static HttpUrl check(String what, String url, boolean allowInsecureHttp) {
        return check(what, url, allowInsecureHttp, System.getenv("DEPLOYMENT_MODE"));
    }

    /** As {@link #check(String, String, boolean)} with an explicit deployment mode (for tests). */
    public static HttpUrl check(String what, String url, boolean allowInsecureHttp, String deploymentMode) {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url.strip());
        if (parsed == null) {
            throw new ConfigException(what + " must be an http:// or https:// URL, got '" + safe(url) + "'");
        }
        if (parsed.isHttps()) {
            return parsed;
        }
        String shown = withoutCredentials(parsed);
        if (deploymentMode != null && deploymentMode.strip().equalsIgnoreCase("cloud")) {
            throw new ConfigException(what + " must use https in Airbyte Cloud, got " + shown);
        }
        if (isLoopback(parsed.host()) || allowInsecureHttp) {
            return parsed;
        }
        throw new ConfigException(what + " must use https (plain http is allowed only for localhost, 127.0.0.0/8"
                + " and ::1, or with allow_insecure_http), got " + shown);
    }

    /**
     * Whether {@code host} is a loopback name or literal address. Decided on the text alone: resolving
     * a name would let DNS decide what "local" means.
     */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        if (h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return parts[0].equals("127");
    }

    /** The URL for messages: user info removed, since it may hold a password. */
    public static String withoutCredentials(HttpUrl url) {
        return url.newBuilder().username("").password("").build().toString();
    }

    private static String safe(String url) {
        if (url == null) {
            return "";
        }
        // An unparseable URL may still hold credentials ("user:pass@"); show only what precedes them.
        int at = url.indexOf('@');
        String shown = at >= 0 ? "…" + url.substring(at) : url;
        return shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
    }
}
