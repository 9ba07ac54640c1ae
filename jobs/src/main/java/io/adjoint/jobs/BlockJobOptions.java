package io.adjoint.jobs;

import picocli.CommandLine.Option;

/** Options of the commands that write results in row blocks ({@code jacobian}, {@code contract}, {@code vjp}, {@code jvp}). */
final class BlockJobOptions {
    @Option(
            names = "--rows-per-task",
            paramLabel = "B",
            description =
                    "Result rows per task — rows of p·q, or products for vjp/jvp (default: chosen from sizes, memory"
                            + " and parallelism; logged).")
    Integer rowsPerTask;

    @Option(
            names = "--resume",
            description =
                    "Continue an interrupted run with the same inputs and arguments: blocks it"
                            + " finished (checksums recorded beside the output) are reused, missing or damaged ones recomputed.")
    boolean resume;
}
