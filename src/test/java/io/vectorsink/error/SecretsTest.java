package io.vectorsink.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final String TOKEN = "abc/DEF+ghi/jkl==";

    @AfterEach
    void forget() {
        Secrets.clear();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_remove_a_secret_as_is() {
        Secrets.register(TOKEN);

        assertThat(Secrets.redact("token " + TOKEN + " refused")).isEqualTo("token **** refused");
    }

    @Test
    void should_remove_a_secret_json_escaped() {
        Secrets.register(TOKEN);

        assertThat(Secrets.redact("{\"echo\": \"abc\\/DEF+ghi\\/jkl==\"}")).isEqualTo("{\"echo\": \"****\"}");
        assertThat(Secrets.redact("\"abc\\u002fDEF\\u002Bghi\\u002Fjkl\\u003d\\u003D\""))
                .isEqualTo("\"****\"");
        // JSON inside a JSON string: the escapes are escaped again.
        assertThat(Secrets.redact("\"abc\\\\\\/DEF+ghi\\\\\\/jkl==\"")).isEqualTo("\"****\"");
    }

    @Test
    void should_remove_a_secret_with_quotes_and_backslashes_json_escaped() {
        Secrets.register("pa\"ss\\word-1");

        assertThat(Secrets.redact("bad pa\\\"ss\\\\word-1!")).isEqualTo("bad ****!");
    }

    @Test
    void should_remove_a_secret_url_encoded() {
        Secrets.register(TOKEN);

        assertThat(Secrets.redact("GET /?key=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8) + "&x=1"))
                .isEqualTo("GET /?key=****&x=1");
        assertThat(Secrets.redact("key=abc%2fDEF%2Bghi%2Fjkl%3d%3D")).isEqualTo("key=****");
        assertThat(Secrets.redact("key=abc%252FDEF%252Bghi%252Fjkl%253D%253D")).isEqualTo("key=****");
    }

    @Test
    void should_remove_a_secret_with_a_space_form_encoded() {
        Secrets.register("Bearer tok en-42");

        assertThat(Secrets.redact("a=Bearer+tok+en-42")).isEqualTo("a=****");
    }

    @Test
    void should_remove_a_secret_html_escaped() {
        Secrets.register(TOKEN);

        assertThat(Secrets.redact("<p>abc&#x2F;DEF&#43;ghi&#47;jkl==</p>")).isEqualTo("<p>****</p>");
    }

    @Test
    void should_remove_a_secret_base64_encoded() {
        Secrets.register(TOKEN);
        String encoded = base64(TOKEN);

        assertThat(Secrets.redact("echo " + encoded)).doesNotContain(encoded.replace("=", ""));
        assertThat(Secrets.redact("echo "
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("echo ****");
    }

    @Test
    void should_remove_the_token_of_a_bearer_header_value() {
        Secrets.register("Bearer s3cr3t-t0ken");

        assertThat(Secrets.redact("token s3cr3t-t0ken expired")).isEqualTo("token **** expired");
        assertThat(Secrets.redact("header 'Bearer s3cr3t-t0ken'")).isEqualTo("header '****'");
    }

    @Test
    void should_remove_the_pair_and_the_password_of_basic_credentials() {
        String encoded = base64("writer:pa55/w+rd");
        Secrets.register(encoded);

        assertThat(Secrets.redact("Authorization: Basic " + encoded)).isEqualTo("Authorization: Basic ****");
        assertThat(Secrets.redact("user writer:pa55/w+rd")).isEqualTo("user ****");
        assertThat(Secrets.redact("password pa55\\/w+rd")).isEqualTo("password ****");
        assertThat(Secrets.redact("user writer")).isEqualTo("user writer");
    }

    @Test
    void should_remove_the_key_of_an_api_key_header_value() {
        String encoded = base64("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw");
        Secrets.register("ApiKey " + encoded);

        assertThat(Secrets.redact("{\"key\":\"ui2lp2axTNmsyakw9tvNnw\"}")).isEqualTo("{\"key\":\"****\"}");
        assertThat(Secrets.redact("echo " + encoded.replace("/", "\\/"))).isEqualTo("echo ****");
        assertThat(Secrets.redact("id VuaCfGcBCdbkQm-e5aOx")).isEqualTo("id VuaCfGcBCdbkQm-e5aOx");
    }

    /** Passwords are free text: regular-expression characters and characters outside ASCII, in every form. */
    @Test
    void should_remove_a_secret_of_regex_characters_and_unicode_in_every_form() {
        String password = "p.a*s+s?(w)[o]{r}d$^|\\ é😀";
        Secrets.register(password);

        assertThat(Secrets.redact("as is " + password + "!")).isEqualTo("as is ****!");
        assertThat(Secrets.redact("json p.a*s+s?(w)[o]{r}d$^|\\\\ \\u00e9\\uD83D\\ude00!"))
                .isEqualTo("json ****!");
        assertThat(Secrets.redact("url " + URLEncoder.encode(password, StandardCharsets.UTF_8) + "!"))
                .isEqualTo("url ****!");
        assertThat(Secrets.redact("b64 " + base64(password).replace("=", "") + "!"))
                .isEqualTo("b64 ****!");
        assertThat(Secrets.redact("p.a*s+s?(w)[o]{r}d$^| other")).isEqualTo("p.a*s+s?(w)[o]{r}d$^| other");
    }

    /**
     * The spec allows any password, a line break in it too; stderr is scrubbed line by line, so an echo of such
     * a password came out as two lines, neither of which held the whole secret.
     */
    @Test
    void should_remove_each_line_of_a_secret_that_spans_lines() {
        Secrets.register("first-line\r\nsecond-line");

        assertThat(Secrets.redact("echo first-line\r")).isEqualTo("echo ****\r");
        assertThat(Secrets.redact("second-line end")).isEqualTo("**** end");
    }

    /**
     * An OIDC access token (a Weaviate bearer token, a JWT) is often 1-4 KB. One pattern per secret failed to
     * compile from about 2,000 characters (PatternSyntaxException: stack overflow), which failed every
     * command before it started, and overflowed the stack of a thread with a small one when it matched.
     */
    @Test
    void should_remove_a_secret_of_thousands_of_characters_on_a_thread_with_a_small_stack() throws Exception {
        StringBuilder token = new StringBuilder("eyJhbGciOiJSUzI1NiJ9.");
        java.util.Random random = new java.util.Random(7);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        while (token.length() < 6000) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String jwt = token.toString();
        String[] redacted = new String[3];
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        Secrets.register("Bearer " + jwt);
                        redacted[0] = Secrets.redact("token " + jwt + " expired");
                        redacted[1] = Secrets.redact("echo " + base64(jwt) + ".");
                        redacted[2] = Secrets.redact("start " + jwt.substring(0, 200) + " only");
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                },
                "small-stack",
                256 * 1024);
        small.start();
        small.join();

        assertThat(failure[0]).isNull();
        assertThat(redacted[0]).isEqualTo("token **** expired");
        assertThat(redacted[1]).matches("echo \\*\\*\\*\\*=*\\.");
        // An echo of a part: every whole piece of it is removed.
        assertThat(redacted[2]).startsWith("start ****").doesNotContain(jwt.substring(64, 128));
    }

    /** A Milvus token is often user:password; a server may name the password alone. */
    @Test
    void should_remove_the_password_of_a_user_password_token() {
        Secrets.register("root:Milvus-p4ss");

        assertThat(Secrets.redact("token root:Milvus-p4ss, password Milvus-p4ss refused"))
                .isEqualTo("token ****, password **** refused");
        assertThat(Secrets.redact("user root")).isEqualTo("user root");
    }

    @Test
    void should_remove_a_longer_secret_whole_before_a_part_of_it() {
        Secrets.register("pa55/w+rd");
        Secrets.register(base64("writer:pa55/w+rd"));

        assertThat(Secrets.redact("writer:pa55/w+rd")).isEqualTo("****");
    }

    /**
     * The spec takes passwords and keys of one character; values that short were not scrubbed at all, so a
     * server's "wrong password 'pw1'" reached the output. They are scrubbed where they stand alone, not inside
     * longer words or numbers, which they would make unreadable.
     */
    @Test
    void should_remove_a_very_short_secret_where_it_stands_alone() {
        Secrets.register("pw1");
        Secrets.register("Bearer q");

        assertThat(Secrets.redact("wrong password 'pw1' (\"pw1\", pw%31)"))
                .isEqualTo("wrong password '****' (\"****\", ****)");
        assertThat(Secrets.redact("token q refused")).isEqualTo("token **** refused");
        assertThat(Secrets.redact("pw12 npw1 a pw1x quiet 64q")).isEqualTo("pw12 npw1 a pw1x quiet 64q");
    }

    @Test
    void should_leave_text_alone_when_nothing_or_only_blank_values_are_registered() {
        assertThat(Secrets.redact("abc")).isEqualTo("abc");
        Secrets.register("   ");
        Secrets.register("");
        Secrets.register(null);

        assertThat(Secrets.redact("abc %61bc")).isEqualTo("abc %61bc");
        assertThat(Secrets.redact(null)).isNull();
    }
}
