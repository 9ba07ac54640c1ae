package io.adjoint.driver.gradcheck;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.Graph;
import io.adjoint.driver.plan.BlockPlanner;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many projections may run at once. One projection task holds about 6 node-sized buffers (the value-only
 * forward pass's live values and the one-row adjoints of the sweep), 3 output-sized ones (v and a pair of shifted
 * outputs) and 2 input-sized ones (u and the shifted input): 8·(6·widest + 3·p·q + 2·k·l) bytes. In local mode the
 * tasks share the driver's heap with what it already holds (measured after a collection: the inputs, the forward
 * pass, the broadcast); on a cluster each executor has half of {@code spark.executor.memory} above Spark's 300 MiB
 * for tasks, less the broadcast, shared by its cores. Fewer slots than cores means fewer concurrent tasks, not a
 * failure; not even one slot is a usage error naming the memory it needs.
 */
final class ProbeMemory {
    private ProbeMemory() {}

    /** Bytes one projection task needs. */
    static long taskBytes(CheckData d) {
        long widest = 0;
        for (Graph.Node n : d.graph.nodes()) {
            widest = Math.max(widest, n.shape.size());
        }
        return 8 * (6 * widest + 3 * d.grid.rows() + 2 * d.grid.cols());
    }

    /** Concurrent projection tasks, logged as a plan line. */
    static int slots(JavaSparkContext jsc, CheckData d, GradcheckResult r, Consumer<String> log) {
        long need = taskBytes(d);
        int parallelism = jsc.defaultParallelism();
        long avail;
        long slotsAvail;
        String where;
        if (jsc.isLocal()) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            avail = rt.maxMemory() - used;
            slotsAvail = avail / need;
            where = "driver heap " + BlockPlanner.mib(rt.maxMemory()) + ", " + BlockPlanner.mib(used) + " in use";
        } else {
            long exec = jsc.getConf().getSizeAsBytes("spark.executor.memory", "1g");
            int cores = jsc.getConf().getInt("spark.executor.cores", 2);
            long nodes = d.graph.nodes().stream().mapToLong(n -> n.shape.size()).sum();
            long broadcast = 8 * nodes;
            avail = Math.max(0, (exec - (300L << 20)) / 2 - broadcast);
            slotsAvail = Math.min(cores, avail / need) * Math.max(1, parallelism / Math.max(1, cores));
            where = "executor memory " + BlockPlanner.mib(exec) + ", " + cores + " cores";
        }
        if (avail < need) {
            throw new InvalidInputException("probe mode for ∂out/∂" + r.input + " needs about "
                    + BlockPlanner.human(need) + " per task, and " + where + " leaves "
                    + BlockPlanner.human(Math.max(0, avail)) + "; give it more memory (bin/adjoint:"
                    + " ADJOINT_DRIVER_MEMORY; spark-submit: --driver-memory, spark.executor.memory)");
        }
        int slots = (int) Math.max(1, Math.min(parallelism, slotsAvail));
        if (log != null) {
            log.accept("gradcheck: d/d" + r.input + ": a projection task needs ≈ " + BlockPlanner.human(need) + " ("
                    + where + "): " + slots + " at a time");
        }
        return slots;
    }

    /**
     * In local mode, before the broadcast: the driver must hold what it holds now, the broadcast of the check's data
     * twice over (Spark keeps the value and its serialized blocks; 8 bytes per entry of every node, as an estimate of
     * the tape and the inputs) and one task. When it cannot, the check stops with exit 2 naming the heap it needs,
     * instead of an OutOfMemoryError halfway through.
     */
    static void checkDriver(JavaSparkContext jsc, CheckData d, GradcheckResult r) {
        if (!jsc.isLocal()) {
            return;
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        long nodes = d.graph.nodes().stream().mapToLong(n -> n.shape.size()).sum();
        long need = used + 2 * 8 * nodes + taskBytes(d);
        if (need > rt.maxMemory()) {
            long gib = (need >> 30) + 1;
            throw new InvalidInputException("gradcheck of ∂out/∂" + r.input + " at this size needs about "
                    + BlockPlanner.human(need) + " of driver heap (" + BlockPlanner.human(used) + " held now, the"
                    + " broadcast of the expression's tape and inputs, one task), more than its "
                    + BlockPlanner.human(rt.maxMemory()) + "; raise it, e.g. ADJOINT_DRIVER_MEMORY=" + gib
                    + "g (bin/adjoint) or --driver-memory " + gib + "g (spark-submit)");
        }
    }
}
