package io.adjoint.jobs;

import io.adjoint.driver.storage.FileTrees;
import io.adjoint.jobs.bench.ContractBenchmark;
import io.adjoint.jobs.bench.GradcheckBenchmark;
import io.adjoint.jobs.bench.JacobianBenchmark;
import io.adjoint.jobs.bench.LargeContractBenchmark;
import io.adjoint.jobs.bench.SweepBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adjoint bench}: benchmarks that print the README's tables. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Benchmarks that print the README's tables (not tests).",
        description = "Benchmarks (not tests): each prints a Markdown table of medians from one run.",
        subcommands = {
            BenchCommand.Contract.class,
            BenchCommand.LargeContract.class,
            BenchCommand.Jacobian.class,
            BenchCommand.Gradcheck.class,
            BenchCommand.Sweep.class
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (try: adjoint bench contract)");
    }

    /** What a benchmark does with its Spark context and scratch folder. */
    interface Body {
        void run(JavaSparkContext jsc, Path work) throws Exception;
    }

    /**
     * The frame every benchmark shares: master local[2] unless one is given, a scratch folder (--dir, or a
     * temporary one removed afterwards), the Spark context stopped however the benchmark ends.
     */
    static int framed(SparkOptions spark, Path dir, String app, Body body) throws Exception {
        if (spark.master == null && System.getProperty("spark.master") == null) {
            spark.master = "local[2]";
        }
        Path work = dir != null
                ? Files.createDirectories(dir)
                : Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "adjoint-bench-");
        JavaSparkContext jsc = spark.start(app);
        try {
            body.run(jsc, work);
        } finally {
            jsc.stop();
            if (dir == null) {
                FileTrees.delete(work);
            }
        }
        return 0;
    }

    @Command(
            name = "contract",
            mixinStandardHelpOptions = true,
            description = {
                "Kernel GFLOP/s at (p·q, n·m, k·l) = (1024,1024,1024) and (4096,1024,1024) next to plain",
                "BLAS dgemm; then the whole contract job against MLlib BlockMatrix.multiply on the same operands.",
                "Default master local[2]. Needs about 1 GiB of scratch space under --dir."
            })
    static final class Contract implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--reps",
                defaultValue = "5",
                description = "Repetitions per figure (median reported; default ${DEFAULT-VALUE}).")
        int reps;

        @Option(
                names = "--rows-per-task",
                paramLabel = "B",
                description = "Rows per task of the job (default: the planner's choice).")
        int rowsPerTask;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description = "Scratch folder (default: a new temporary folder, removed after).")
        Path dir;

        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() throws Exception {
            // The peer, MLlib's BlockMatrix, shuffles Breeze matrices that are not registered with Kryo.
            spark.conf.add(0, "spark.kryo.registrationRequired=false");
            java.io.PrintWriter err = spec.commandLine().getErr();
            return framed(
                    spark,
                    dir,
                    "adjoint bench contract",
                    (jsc, work) -> ContractBenchmark.run(
                            jsc, work, Math.max(1, reps), rowsPerTask, System.out, spark.quiet ? null : err::println));
        }
    }

    @Command(
            name = "jacobian",
            mixinStandardHelpOptions = true,
            description = {
                "f(X) = tanh(W2 @ tanh(W1 @ X + b1) + b2), every matrix n×n: the structured jacobian job",
                "(time to the committed result, task and sweep time, peak heap) against the same job with dense",
                "explicit local Jacobians. Default master local[2]. The n = 128 result is 2 GiB on disk; run it with",
                "ADJOINT_DRIVER_MEMORY=900m to see it produced with a driver heap under 1 GiB."
            })
    static final class Jacobian implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--sizes",
                split = ",",
                defaultValue = "32,64,96,128",
                description = "Values of n (default ${DEFAULT-VALUE}).")
        int[] sizes;

        @Option(
                names = "--dense-max",
                defaultValue = "64",
                description =
                        "Largest n for the dense-explicit baseline (default ${DEFAULT-VALUE}; its memory grows as 6·n⁴·8 bytes).")
        int denseMax;

        @Option(
                names = "--reps",
                defaultValue = "3",
                description = "Repetitions for n < 96 (median reported; default ${DEFAULT-VALUE}).")
        int reps;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description =
                        "Scratch folder (default: a new temporary folder, removed after; needs ~2.2 GiB free for n = 128).")
        Path dir;

        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() throws Exception {
            java.io.PrintWriter err = spec.commandLine().getErr();
            return framed(
                    spark,
                    dir,
                    "adjoint bench jacobian",
                    (jsc, work) -> JacobianBenchmark.run(
                            jsc,
                            work,
                            sizes,
                            denseMax,
                            Math.max(1, reps),
                            System.out,
                            spark.quiet
                                    ? null
                                    : line -> {
                                        if (line.contains(" wrote ") || line.contains("rows per task")) {
                                            err.println(line);
                                        }
                                    }));
        }
    }

    @Command(
            name = "gradcheck",
            mixinStandardHelpOptions = true,
            description = {
                "gradcheck --mode full against --mode probe on f(X) = tanh(W2 @ tanh(W1 @ X + b1) + b2),",
                "every matrix n×n, and the finite-difference throughput against a plain loop of forward passes.",
                "Default master local[2]; needs about 2.2 GiB of scratch space for n = 128."
            })
    static final class Gradcheck implements Callable<Integer> {
        @Option(
                names = "--sizes",
                split = ",",
                defaultValue = "64,128",
                description = "Values of n (default ${DEFAULT-VALUE}).")
        int[] sizes;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description = "Scratch folder (default: a new temporary folder, removed after).")
        Path dir;

        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() throws Exception {
            return framed(
                    spark,
                    dir,
                    "adjoint bench gradcheck",
                    (jsc, work) -> GradcheckBenchmark.run(jsc, work, sizes, System.out, null));
        }
    }

    @Command(
            name = "contract-large",
            mixinStandardHelpOptions = true,
            description = {
                "contract with a Jacobian over the broadcast budget (the cost model streams it) against MLlib",
                "BlockMatrix.multiply on the same stored operands, one run each. Default (p·q, n·m, k·l) =",
                "(4096, 16384, 16384): J 2 GiB, budget 1 GiB; 2.2 TFLOP. Needs ≈ 3 GiB under --dir (inputs are",
                "kept there for the next run) and ≈ 30 GiB of Spark scratch space for BlockMatrix's shuffle."
            })
    static final class LargeContract implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--shape",
                split = ",",
                defaultValue = "4096,16384,16384",
                description = "p·q, n·m, k·l (default ${DEFAULT-VALUE}).")
        long[] shape;

        @Option(names = "--budget", defaultValue = "1g", description = "Broadcast budget (default ${DEFAULT-VALUE}).")
        String budget;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description = "Folder for the inputs, kept for the next run (default: a temporary folder, removed).")
        Path dir;

        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() throws Exception {
            if (shape.length != 3) {
                throw new io.adjoint.core.InvalidInputException("--shape needs three sizes: p·q,n·m,k·l");
            }
            // The peer, MLlib's BlockMatrix, shuffles Breeze matrices that are not registered with Kryo.
            spark.conf.add(0, "spark.kryo.registrationRequired=false");
            java.io.PrintWriter err = spec.commandLine().getErr();
            long b = Sizes.parse("--budget", budget);
            return framed(
                    spark,
                    dir,
                    "adjoint bench contract-large",
                    (jsc, work) -> LargeContractBenchmark.run(
                            jsc,
                            work,
                            new LargeContractBenchmark.Product(shape[0], shape[1], shape[2]),
                            b,
                            System.out,
                            spark.quiet ? null : err::println));
        }
    }

    @Command(
            name = "sweep",
            mixinStandardHelpOptions = true,
            description = {
                "The reverse-sweep engine alone, one thread, no Spark: every row of the MLP's ∂f/∂X by one seed per",
                "row against compressed seeding (one seed per colour of the structural pattern), and the expansion",
                "of the compressed rows to dense rows timed apart."
            })
    static final class Sweep implements Callable<Integer> {
        @Option(
                names = "--sizes",
                split = ",",
                defaultValue = "96,128,160",
                description = "Values of n (default ${DEFAULT-VALUE}).")
        int[] sizes;

        @Option(
                names = "--reps",
                defaultValue = "1",
                description = "Repetitions per figure (median reported; default ${DEFAULT-VALUE}).")
        int reps;

        @Override
        public Integer call() {
            SweepBenchmark.run(sizes, Math.max(1, reps), System.out);
            return 0;
        }
    }
}
