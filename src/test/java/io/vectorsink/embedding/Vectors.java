package io.vectorsink.embedding;

/** Small vector arithmetic for embedding tests. */
public final class Vectors {
    private Vectors() {}

    public static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    public static double cosine(float[] a, float[] b) {
        return dot(a, b) / (norm(a) * norm(b));
    }
}
