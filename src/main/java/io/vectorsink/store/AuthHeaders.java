package io.vectorsink.store;

import io.vectorsink.error.Secrets;
import java.nio.charset.StandardCharsets;
import okhttp3.Credentials;
import okhttp3.Headers;

/**
 * The credential headers stores send. Each registers its secrets with {@link Secrets} before it returns,
 * so that a server echoing a header back is redacted from every message.
 */
public final class AuthHeaders {
    private AuthHeaders() {}

    /** {@code Authorization: Basic ...}; the encoded pair is as good as the password, so it is a secret too. */
    public static Headers basic(String username, String password) {
        Secrets.register(password);
        String value = Credentials.basic(username, password, StandardCharsets.UTF_8);
        Secrets.register(value.substring("Basic ".length()));
        return Headers.of("Authorization", value);
    }

    /** {@code Authorization: <scheme> <secret>}, such as {@code Bearer} or {@code ApiKey}. */
    public static Headers authorization(String scheme, String secret) {
        Secrets.register(secret);
        return Headers.of("Authorization", scheme + " " + secret);
    }

    /** A vendor's own header that carries {@code secret} as is, such as {@code api-key}. */
    public static Headers header(String name, String secret) {
        Secrets.register(secret);
        return Headers.of(name, secret);
    }
}
