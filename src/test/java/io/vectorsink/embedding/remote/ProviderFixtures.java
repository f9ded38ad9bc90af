package io.vectorsink.embedding.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.http.AdaptiveHttpService;
import io.vectorsink.http.AdaptiveLimiter;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;

/** Vectors, answers in the vendors' documented shapes, and embedders wired to fake time. */
public final class ProviderFixtures {
    private ProviderFixtures() {}

    /** A recognisable vector: component {@code j} is {@code seed + j / 1000}. */
    public static float[] vector(int seed, int dimensions) {
        float[] v = new float[dimensions];
        for (int j = 0; j < dimensions; j++) {
            v[j] = seed + j / 1000f;
        }
        return v;
    }

    /** OpenAI's answer, with the data items listed in {@code order} (indices into {@code vectors}). */
    public static String openAiAnswer(String model, List<float[]> vectors, int... order) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        int[] positions = order.length == 0 ? range(vectors.size()) : order;
        for (int index : positions) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", index);
            ArrayNode values = item.putArray("embedding");
            for (float f : vectors.get(index)) {
                values.add(f);
            }
        }
        answer.put("model", model);
        answer.putObject("usage").put("prompt_tokens", 8).put("total_tokens", 8);
        return answer.toString();
    }

    /** Cohere's v2 answer ({@code response_type: embeddings_by_type}). */
    public static String cohereAnswer(List<String> texts, List<float[]> vectors) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("id", "5807ee2e-0cda-445a-9ec8-864c60a06606");
        ArrayNode floats = answer.putObject("embeddings").putArray("float");
        for (float[] vector : vectors) {
            ArrayNode values = floats.addArray();
            for (float f : vector) {
                values.add(f);
            }
        }
        texts.forEach(answer.putArray("texts")::add);
        ObjectNode meta = answer.putObject("meta");
        meta.putObject("api_version").put("version", "2");
        meta.putObject("billed_units").put("input_tokens", 4);
        answer.put("response_type", "embeddings_by_type");
        return answer.toString();
    }

    /** A service on the shared client with few attempts, backoff that never sleeps for real, and a limiter. */
    public static AdaptiveHttpService service(String name, FakeRetryTiming clock) {
        return service(name, clock, HttpClients.shared());
    }

    public static AdaptiveHttpService service(String name, FakeRetryTiming clock, OkHttpClient client) {
        RetrySettings settings =
                new RetrySettings(name, 4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));
        return new AdaptiveHttpService(client, settings, clock.timing(), new AdaptiveLimiter(4, 0.5, clock.timing()));
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
