package io.vectorsink.testing.esroot;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.elasticsearch.Build;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * The root endpoint ({@code GET /}) for the Elasticsearch test node of vectorsink's integration tests.
 *
 * <p>Every Elasticsearch distribution answers {@code GET /} through its {@code rest-root} module; the
 * integration-test zip on Maven Central, which the tests run, leaves that module out. This plugin puts the
 * endpoint back the way the module serves it: the REST handler runs the transport action
 * {@code cluster:monitor/main}, so the security layer asks for the same {@code monitor} cluster privilege as
 * on a real cluster, and the answer has the documented fields (name, cluster name and UUID, version with
 * build details and Lucene version, tagline).
 *
 * <p>Compiled by the test helper {@code ElasticsearchNode} against the jars of the unpacked zip; it is not
 * part of the connector.
 */
public final class RestRootPlugin extends Plugin implements ActionPlugin {
    /** The action name Elasticsearch's own root endpoint authorizes. */
    static final ActionType<RootResponse> ROOT = new ActionType<>("cluster:monitor/main");

    @Override
    public Collection<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(new ActionHandler<>(ROOT, RootAction.class));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
            Settings settings,
            NamedWriteableRegistry namedWriteableRegistry,
            RestController restController,
            ClusterSettings clusterSettings,
            IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster,
            Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RestRoot());
    }

    /** {@code GET /} and {@code HEAD /}. */
    static final class RestRoot extends BaseRestHandler {
        @Override
        public String getName() {
            return "vectorsink_test_root_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            return channel -> client.execute(ROOT, new RootRequest(), new RestToXContentListener<>(channel));
        }
    }

    /** The root request: it carries nothing. */
    static final class RootRequest extends ActionRequest {
        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** Answers from the local node's settings and cluster state. */
    public static final class RootAction extends TransportAction<RootRequest, RootResponse> {
        private final String nodeName;
        private final ClusterService clusterService;

        @Inject
        public RootAction(
                Settings settings,
                TransportService transportService,
                ActionFilters actionFilters,
                ClusterService clusterService) {
            super(ROOT.name(), actionFilters, transportService.getTaskManager(), EsExecutors.DIRECT_EXECUTOR_SERVICE);
            this.nodeName = Node.NODE_NAME_SETTING.get(settings);
            this.clusterService = clusterService;
        }

        @Override
        protected void doExecute(Task task, RootRequest request, ActionListener<RootResponse> listener) {
            ClusterState state = clusterService.state();
            listener.onResponse(new RootResponse(
                    nodeName,
                    state.getClusterName().value(),
                    state.metadata().clusterUUID(),
                    IndexVersion.current().luceneVersion().toString(),
                    Build.current()));
        }
    }

    /** The documented root answer. */
    static final class RootResponse extends ActionResponse implements ToXContentObject {
        private final String nodeName;
        private final String clusterName;
        private final String clusterUuid;
        private final String luceneVersion;
        private final Build build;

        RootResponse(String nodeName, String clusterName, String clusterUuid, String luceneVersion, Build build) {
            this.nodeName = nodeName;
            this.clusterName = clusterName;
            this.clusterUuid = clusterUuid;
            this.luceneVersion = luceneVersion;
            this.build = build;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(nodeName);
            out.writeString(clusterName);
            out.writeString(clusterUuid);
            out.writeString(luceneVersion);
            Build.writeBuild(build, out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("name", nodeName);
            builder.field("cluster_name", clusterName);
            builder.field("cluster_uuid", clusterUuid);
            builder.startObject("version");
            builder.field("number", build.qualifiedVersion());
            builder.field("build_flavor", build.flavor());
            builder.field("build_type", build.type().displayName());
            builder.field("build_hash", build.hash());
            builder.field("build_date", build.date());
            builder.field("build_snapshot", build.isSnapshot());
            builder.field("lucene_version", luceneVersion);
            builder.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
            builder.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
            builder.endObject();
            builder.field("tagline", "You Know, for Search");
            builder.endObject();
            return builder;
        }
    }
}
