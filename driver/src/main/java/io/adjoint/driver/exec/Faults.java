package io.adjoint.driver.exec;

import java.io.Serializable;

/**
 * Fault injection for tests: what a block task asks before and after it computes. Main code holds one instance,
 * {@link #NONE} unless a test sets one of the {@code spark.adjoint.test.*} settings ({@link JobContext#faults}):
 * {@code failFirstAttempt=B} makes block B's first attempt write garbage to its range and fail,
 * {@code failAlways=B} makes every attempt of it fail, {@code pauseMillisPerBlock=M} sleeps M ms before each block
 * computes (to give fault tests a running stage); {@code outOfMemoryInBlock=B} makes block B throw an
 * {@link OutOfMemoryError}, and {@code outOfMemoryBesideBlock=B} makes a thread beside block B die of one while the
 * block waits for it forever (a Spark thread the job needs, lost).
 */
public interface Faults extends Serializable {
    /** No fault: what every real run has. */
    Faults NONE = new Faults() {
        private static final long serialVersionUID = 1L;

        private Object readResolve() {
            return NONE;
        }
    };

    /** Called before block {@code block} computes. */
    default void beforeBlock(int block) {}

    /** Whether attempt {@code attempt} of block {@code block} must write garbage rows and fail. */
    default boolean failsBlock(int block, int attempt) {
        return false;
    }

    /** Whether a fault needs Spark's task attempts (a retried block): such a job never runs on driver threads. */
    default boolean needsTaskAttempts() {
        return false;
    }

    /** The failure a block injected with {@link #failsBlock} throws. */
    static IllegalStateException injected(int block, int attempt) {
        return new IllegalStateException("test hook: block " + block + " fails on attempt " + attempt);
    }

    /** The faults the {@code spark.adjoint.test.*} settings ask for (thread-local property, else the conf). */
    static Faults fromSettings(JobContext ctx) {
        int first = read(ctx, "spark.adjoint.test.failFirstAttempt");
        int always = read(ctx, "spark.adjoint.test.failAlways");
        int pause = read(ctx, "spark.adjoint.test.pauseMillisPerBlock");
        int oomIn = read(ctx, "spark.adjoint.test.outOfMemoryInBlock");
        int oomBeside = read(ctx, "spark.adjoint.test.outOfMemoryBesideBlock");
        return first < 0 && always < 0 && pause <= 0 && oomIn < 0 && oomBeside < 0
                ? NONE
                : new SettingFaults(first, always, pause, oomIn, oomBeside);
    }

    private static int read(JobContext ctx, String key) {
        return Integer.parseInt(ctx.setting(key, "-1").trim());
    }

    /** The faults of the test settings. */
    record SettingFaults(
            int failFirstAttemptOf, int failAlwaysOf, int pauseMillis, int outOfMemoryIn, int outOfMemoryBeside)
            implements Faults {
        @Override
        public void beforeBlock(int block) {
            if (block == outOfMemoryIn) {
                throw new OutOfMemoryError("test hook: block " + block);
            }
            if (block == outOfMemoryBeside) {
                Thread lost = new Thread(
                        () -> {
                            throw new OutOfMemoryError("test hook: beside block " + block);
                        },
                        "adjoint-test-lost-thread");
                lost.start();
                while (true) { // what a task waiting for a dead thread does
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("test hook: block " + block + " interrupted", e);
                    }
                }
            }
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public boolean failsBlock(int block, int attempt) {
            return block == failAlwaysOf || (block == failFirstAttemptOf && attempt == 0);
        }

        @Override
        public boolean needsTaskAttempts() {
            return failFirstAttemptOf >= 0 || failAlwaysOf >= 0;
        }
    }
}
