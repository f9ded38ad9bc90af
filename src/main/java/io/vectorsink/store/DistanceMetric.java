package io.vectorsink.store;

import io.vectorsink.error.ConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distance a collection's index compares vectors by, as the config names it ({@code distance_metric}).
 * Every store maps it to its vendor's own name and reports query distances in Chroma's units for it:
 * cosine {@code 1 - cos}, l2 the squared Euclidean distance, ip {@code 1 - dot}.
 */
public enum DistanceMetric {
    COSINE("cosine"),
    L2("l2"),
    IP("ip");

    /** The names the config accepts, the default first (the spec lists the same). */
    public static final List<String> NAMES =
            Arrays.stream(values()).map(DistanceMetric::configName).toList();

    private final String configName;

    DistanceMetric(String configName) {
        this.configName = configName;
    }

    /** The name in the config and the spec: {@code cosine}, {@code l2} or {@code ip}. */
    public String configName() {
        return configName;
    }

    @Override
    public String toString() {
        return configName;
    }

    /** The metric a config leaves out. */
    public static DistanceMetric defaultMetric() {
        return COSINE;
    }

    /**
     * The metric the config calls {@code name}.
     *
     * @throws ConfigException for any other name
     */
    public static DistanceMetric of(String name) {
        for (DistanceMetric metric : values()) {
            if (metric.configName.equals(name)) {
                return metric;
            }
        }
        throw new ConfigException("distance_metric must be one of " + String.join(", ", NAMES));
    }

    /**
     * {@code name}, or the default metric's name when it is null: what a config record keeps.
     *
     * @throws ConfigException for a name that is not a metric
     */
    public static String nameOrDefault(String name) {
        return name == null ? defaultMetric().configName() : of(name).configName();
    }

    /** The metric a vendor calls {@code vendorName} in its table {@code vendorNames}, if any. */
    public static Optional<DistanceMetric> named(Map<DistanceMetric, String> vendorNames, String vendorName) {
        return vendorNames.entrySet().stream()
                .filter(e -> e.getValue().equals(vendorName))
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
