package io.vectorsink.store;

import java.util.Map;

/**
 * One nearest-neighbour result.
 *
 * @param distance the store's distance (smaller is closer) for the collection's metric
 */
public record QueryHit(String id, double distance, String document, Map<String, Object> metadata) {}
