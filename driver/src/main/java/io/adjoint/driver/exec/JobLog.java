package io.adjoint.driver.exec;

import java.util.function.Consumer;

/**
 * Where a job's lines go, by kind, so that the command can show each at its own level: {@link #accept} the lines
 * every run shows (what was written and how long it took, warnings, a resume's reuse), {@link #detail} the planner's
 * reasoning (plan, seeding, block size, where tasks run, memory; {@code --verbose}), {@link #progress} the progress of
 * a step (rate-limited by the command). A plain {@code Consumer<String>} — {@code lines::add} — takes every kind, as
 * {@code --verbose} shows them; null means silence ({@code --quiet}).
 */
@FunctionalInterface
public interface JobLog extends Consumer<String> {
    /** A line every run shows. */
    @Override
    void accept(String line);

    /** The planner's reasoning: shown with {@code --verbose}. */
    default void detail(String line) {
        accept(line);
    }

    /** A progress line ({@link Progress}). */
    default void progress(String line) {
        accept(line);
    }
}
