package io.adjoint.jobs;

import io.adjoint.driver.contract.ContractInputs;
import io.adjoint.driver.contract.ContractJob;
import io.adjoint.driver.contract.ContractPlan;
import io.adjoint.driver.contract.ContractRequest;
import io.adjoint.driver.exec.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint contract}: G = Σ_t tensordot(A_t, J_t, axes=2) on Spark. */
@Command(
        name = "contract",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Contract stored adjoints with stored Jacobians: G = Σ tensordot(A, J, 2).",
        description = {
            "Contract stored adjoints with stored Jacobians over their shared axes and sum over pairs:",
            "  G[i,j,r,s] = Σ_t Σ_{a,b} A_t[i,j,a,b] · J_t[a,b,r,s]   (numpy.tensordot(A_t, J_t, axes=2))",
            "A_t is (p, q, n_t, m_t), J_t is (n_t, m_t, k, l), G is (p, q, k, l), float64, C order.",
            "Pairs match by order. Each J is broadcast once (or, beyond the broadcast budget, streamed from storage",
            "by every task: --plan); each task reads its own rows of every A straight from storage and writes its",
            "rows of G; G is renamed into place only when complete."
        },
        footer = {
            "",
            "Example:",
            "  adjoint contract --adjoint A.npy --jacobian J.npy --out G.npy",
            "  adjoint contract --adjoint A1.npy --jacobian J1.npy --adjoint A2.npy --jacobian J2.npy --out G.npy",
            "",
            "Paths may be Hadoop URIs (file://, hdfs://; s3a:// needs hadoop-aws added). Inputs may be <f8 >f8 <f4 >f4 <i4 <i8,",
            "C or Fortran order (C order lets each task read only its rows).",
            "Exit codes: 0 success, 2 usage or input error (nothing is written), 3 internal failure (said on stderr),",
            "130/143 interrupted by Ctrl-C/SIGTERM (finished blocks are kept: rerun with --resume)."
        })
final class ContractCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--adjoint",
            paramLabel = "A.npy",
            required = true,
            description = "Adjoint A_t of shape (p, q, n_t, m_t); repeat once per pair.")
    List<String> adjoints = new ArrayList<>();

    @Option(
            names = "--jacobian",
            paramLabel = "J.npy",
            required = true,
            description = "Jacobian J_t of shape (n_t, m_t, k, l); repeat once per pair, in the same order.")
    List<String> jacobians = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "G.npy",
            required = true,
            description = "Where to write G (p, q, k, l); its folder must exist.")
    String out;

    @Option(names = "--overwrite", description = "Replace --out if it exists (default: refuse).")
    boolean overwrite;

    @Option(
            names = "--broadcast-budget",
            paramLabel = "SIZE",
            description =
                    "Most memory broadcast Jacobians may take as float64 (e.g. 512m, 4g); beyond it --plan auto streams them. Default: "
                            + "spark.adjoint.broadcastBudget, else a quarter of the driver heap, at most 2g.")
    String broadcastBudget;

    @Option(
            names = "--plan",
            paramLabel = "PLAN",
            defaultValue = "auto",
            description = "broadcast: the driver reads each J and broadcasts it (J must fit --broadcast-budget and"
                    + " twice the driver heap); streamed: nothing is broadcast, each task streams every J from"
                    + " storage in 64 MiB row panels (any size of J; J is read once per task, a Fortran-order J once"
                    + " per panel); auto (default):"
                    + " the possible plan that moves fewer bytes (both costs, and a shuffle's, are logged).")
    String plan;

    @Option(
            names = "--sparse-below",
            paramLabel = "DENSITY",
            defaultValue = "0.02",
            description =
                    "Hold a Jacobian sparse when its fraction of non-zeros is below this (default: ${DEFAULT-VALUE}).")
    double sparseBelow;

    @Mixin
    BlockJobOptions blocks;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter err = spec.commandLine().getErr();
        ContractRequest req = new ContractRequest();
        req.adjoints.addAll(adjoints);
        req.jacobians.addAll(jacobians);
        req.out = out;
        req.overwrite = overwrite;
        req.resume = blocks.resume;
        req.rowsPerTask = blocks.rowsPerTask;
        req.sparseDensity = sparseBelow;
        req.plan = switch (plan.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> ContractPlan.Choice.AUTO;
            case "broadcast" -> ContractPlan.Choice.BROADCAST;
            case "streamed" -> ContractPlan.Choice.STREAMED;
            default ->
                throw new io.adjoint.core.InvalidInputException(
                        "--plan must be auto, broadcast or streamed, got '" + plan + "'");
        };
        String budget = broadcastBudget;
        String budgetOption = "--broadcast-budget";
        if (budget == null && spark.sparkConf("adjoint contract").contains("spark.adjoint.broadcastBudget")) {
            budget = spark.sparkConf("adjoint contract").get("spark.adjoint.broadcastBudget");
            budgetOption = "spark.adjoint.broadcastBudget";
        }
        if (budget != null) {
            req.broadcastBudget = Sizes.parse(budgetOption, budget);
        }
        // everything checkable from headers is checked before Spark starts: bad input costs milliseconds
        ContractInputs in = ContractInputs.prepare(req, spark.hadoopConf("adjoint contract"));
        try (StderrLog log = spark.log(err);
                JobContext ctx = spark.context("adjoint contract")) {
            ContractJob.run(ctx, in, log);
        }
        return 0;
    }
}
