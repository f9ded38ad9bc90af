package io.vectorsink.error;

/** A failure described with the reasons under it, for a message that is all a user sees of it (check). */
public final class Causes {
    /** Enough for a wrapper, its wrapped failure and the root (an initializer error around an I/O error). */
    private static final int MAX_DEPTH = 4;

    private Causes() {}

    /**
     * For example {@code java.lang.ExceptionInInitializerError; caused by java.lang.RuntimeException: Failed to
     * load onnx-runtime library; caused by java.io.IOException: ...}: a wrapper's own description often says
     * nothing (an {@link ExceptionInInitializerError} has no message), its causes say why.
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        Throwable cause = failure.getCause();
        for (int depth = 1; cause != null && depth < MAX_DEPTH; depth++) {
            text.append("; caused by ").append(cause);
            cause = cause.getCause();
        }
        return text.toString();
    }

    /** Whether {@code failure} or one of its causes is a {@code type}. */
    public static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
