package io.adjoint.jobs;

import io.adjoint.driver.ContractBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adjoint bench}: benchmarks that print the README's tables. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (not tests): each prints a Markdown table of medians from one run.",
        subcommands = {BenchCommand.Contract.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (try: adjoint bench contract)");
    }

    @Command(name = "contract", mixinStandardHelpOptions = true,
            description = {"Kernel GFLOP/s at (p·q, n·m, k·l) = (1024,1024,1024) and (4096,1024,1024) next to plain",
                "BLAS dgemm; then the whole contract job against MLlib BlockMatrix.multiply on the same operands.",
                "Default master local[2]. Needs about 1 GiB of scratch space under --dir."})
    static final class Contract implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--reps", defaultValue = "5", description = "Repetitions per figure (median reported; default ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--rows-per-task", paramLabel = "B", description = "Rows per task of the job (default: the planner's choice).")
        int rowsPerTask;

        @Option(names = "--dir", paramLabel = "DIR", description = "Scratch folder (default: a new temporary folder, removed after).")
        Path dir;

        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() throws Exception {
            if (spark.master == null && System.getProperty("spark.master") == null) {
                spark.master = "local[2]";
            }
            Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory(Paths.get(
                    System.getProperty("java.io.tmpdir")), "adjoint-bench-");
            // The peer, MLlib's BlockMatrix, shuffles Breeze matrices that are not registered with Kryo.
            spark.conf.add(0, "spark.kryo.registrationRequired=false");
            JavaSparkContext jsc = spark.start("adjoint bench contract");
            try {
                java.io.PrintWriter err = spec.commandLine().getErr();
                java.io.PrintStream out = System.out;
                ContractBenchmark.run(jsc, work, Math.max(1, reps), rowsPerTask, out, spark.quiet ? null : err::println);
            } finally {
                jsc.stop();
                if (dir == null) {
                    try (Stream<Path> s = Files.walk(work)) {
                        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
            return 0;
        }
    }
}
