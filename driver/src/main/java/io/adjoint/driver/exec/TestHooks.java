package io.adjoint.driver.exec;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Fault injection for tests, off unless set: {@code spark.adjoint.test.failFirstAttempt=B} makes block B's
 * first attempt write garbage to its range and fail; {@code spark.adjoint.test.failAlways=B} makes every
 * attempt fail. Read from the thread's local properties, else the Spark conf.
 */
public final class TestHooks implements Serializable {
    private static final long serialVersionUID = 1L;
    final int failFirstAttemptOf;
    final int failAlways;
    /** Milliseconds each block sleeps before it computes (to give fault tests a running stage), or ≤ 0. */
    final int pauseMillis;

    private TestHooks(int failFirstAttemptOf, int failAlways, int pauseMillis) {
        this.failFirstAttemptOf = failFirstAttemptOf;
        this.failAlways = failAlways;
        this.pauseMillis = pauseMillis;
    }

    /** The hooks set on this context (thread-local property or Spark conf); all off by default. */
    public static TestHooks from(JobContext ctx) {
        return new TestHooks(
                read(ctx, "spark.adjoint.test.failFirstAttempt"),
                read(ctx, "spark.adjoint.test.failAlways"),
                read(ctx, "spark.adjoint.test.pauseMillisPerBlock"));
    }

    public static TestHooks from(JavaSparkContext jsc) {
        return from(JobContext.of(jsc));
    }

    /** Whether a hook that needs Spark's task attempts (a failing attempt) is set; the pause does not. */
    public boolean failsAttempts() {
        return failFirstAttemptOf >= 0 || failAlways >= 0;
    }

    /** Sleeps {@link #pauseMillis} when set. */
    public void pause() {
        if (pauseMillis > 0) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int read(JobContext ctx, String key) {
        return Integer.parseInt(ctx.setting(key, "-1").trim());
    }

    /** Whether block {@code b} must fail now. */
    public boolean shouldFail(int b) {
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        return b == failAlways || (b == failFirstAttemptOf && attempt == 0);
    }

    public static IllegalStateException failure(int b) {
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        return new IllegalStateException("test hook: block " + b + " fails on attempt " + attempt);
    }
}
