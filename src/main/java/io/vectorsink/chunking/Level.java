package io.vectorsink.chunking;

/**
 * One step of the recursive splitter: where to cut, and whether the separator leads the next piece
 * ({@code keepSeparator}) or stays between pieces.
 */
record Level(Boundary boundary, boolean keepSeparator) {}
