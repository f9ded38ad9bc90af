package io.vectorsink.embedding;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.cohere.CohereApi;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.embedding.fromfield.FromFieldEmbedder;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.embedding.remote.EmbeddingApi;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.error.SystemException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetryTiming;

/** Builds the {@link Embedder} that an {@link EmbeddingConfig} describes. */
public final class EmbedderFactory {
    private EmbedderFactory() {}

    /** As {@link #create(EmbeddingConfig, AdvancedConfig)} with the default advanced settings. */
    public static Embedder create(EmbeddingConfig config) {
        return create(config, AdvancedConfig.defaults());
    }

    /**
     * A ready embedder; the caller closes it. Local models are loaded here (a second or two); remote
     * providers make no call until {@link Embedder#check()} or {@link Embedder#embed}. Remote providers
     * take their concurrency ({@code embedding_concurrency}, {@code batch_size}), retry bound
     * ({@code retry_max_seconds}) and http rule ({@code allow_insecure_http}) from {@code advanced}, and
     * register their keys with {@link io.vectorsink.error.Secrets}.
     *
     * @throws io.vectorsink.error.ConfigException when the config names an unknown model, bad dimensions
     *     or a URL that is not allowed
     * @throws SystemException when a local model cannot be loaded
     */
    public static Embedder create(EmbeddingConfig config, AdvancedConfig advanced) {
        return start(config, advanced, (window, description) -> {}).await();
    }

    /**
     * What a caller checks of an embedder before it is used: its window (tokens of one input at most) and its
     * description, to name it. Throws to refuse it.
     */
    @FunctionalInterface
    public interface WindowCheck {
        void check(int maxInputTokens, String description);
    }

    /**
     * As {@link #create}, but a local model loads in a background thread while the caller goes on; what the
     * store needs of it (model, dimensions, window) is known at once. {@code windowCheck} runs first: a local
     * model it refuses never starts loading, and any other embedder it refuses is closed.
     */
    public static PendingEmbedder start(EmbeddingConfig config, AdvancedConfig advanced, WindowCheck windowCheck) {
        if (config instanceof EmbeddingConfig.Local local) {
            LocalModel model = LocalModel.fromName(local.model());
            windowCheck.check(LocalOnnxEmbedder.maxInputTokens(model), LocalOnnxEmbedder.describe(model));
            return PendingEmbedder.loading(
                    () -> LocalOnnxEmbedder.load(model),
                    LocalOnnxEmbedder.announced(model),
                    LocalOnnxEmbedder.maxInputTokens(model),
                    LocalOnnxEmbedder.describe(model));
        }
        Embedder embedder = ready(config, advanced);
        try {
            windowCheck.check(embedder.maxInputTokens(), embedder.description());
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
        return PendingEmbedder.ready(embedder);
    }

    private static Embedder ready(EmbeddingConfig config, AdvancedConfig advanced) {
        if (config instanceof EmbeddingConfig.FromField fromField) {
            return new FromFieldEmbedder(fromField);
        }
        if (config instanceof EmbeddingConfig.Fake fake) {
            return new FakeEmbedder(fake.dimensions());
        }
        EmbeddingApi api = remoteApi(config, advanced);
        if (api != null) {
            return RemoteEmbedder.create(api, advanced, HttpClients.forConfig(advanced), RetryTiming.system());
        }
        throw new SystemException("no embedder is implemented for embedding config "
                + config.getClass().getSimpleName());
    }

    private static EmbeddingApi remoteApi(EmbeddingConfig config, AdvancedConfig advanced) {
        if (config instanceof EmbeddingConfig.OpenAi openAi) {
            return OpenAiApi.openAi(openAi);
        }
        if (config instanceof EmbeddingConfig.AzureOpenAi azure) {
            return OpenAiApi.azure(azure, advanced.allowInsecureHttp());
        }
        if (config instanceof EmbeddingConfig.Cohere cohere) {
            return CohereApi.of(cohere);
        }
        if (config instanceof EmbeddingConfig.OpenAiCompatible compatible) {
            return OpenAiApi.compatible(compatible, advanced.allowInsecureHttp());
        }
        return null;
    }
}
