package io.adjoint.driver.gradcheck;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.graph.Graph;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.JobLog;
import io.adjoint.driver.plan.BlockPlanner;

/**
 * The memory plan of a check, made on the driver before anything is broadcast and logged as one line.
 *
 * <p>What a JVM holds for a check: the check's values ({@link Evaluations}: the inputs, and the forward pass's tape
 * when the sweep gives the analytic side) once, plus its running tasks' buffers. In local mode the values are the
 * driver's own, already counted in the heap in use (measured after a collection); on a cluster each executor loads
 * them ({@code evaluationBytes}, Spark's size estimate of the driver's copy) and has half of
 * {@code spark.executor.memory} above Spark's 300 MiB reserve for them and its tasks, shared by its cores. The
 * broadcast itself is small: the graph, URIs, the grid, and matrices given in memory (counted twice on the driver:
 * the value and its serialized blocks).
 *
 * <ul>
 *   <li>Probe task: about 6 node-sized buffers (the value-only forward pass's live values and the sweep's one-row
 *       adjoints), 3 output-sized ones (v and a pair of shifted outputs) and 2 input-sized ones (u and the shifted
 *       input): 8·(6·widest + 3·p·q + 2·k·l) bytes. Fewer slots than cores means fewer concurrent projections.
 *   <li>Full task: 8·(2·B·Σnodes + 2·k·l) bytes for the batched forward passes (B perturbed copies of every node
 *       value, {@link CheckData#batch}) and the shifted input, plus 8·(3·p·q + 2·tileRows) per column it holds (numeric
 *       and analytic columns, the batch's stacked outputs, one tile of each): a task works through its column tile
 *       in chunks of as many columns as fit.
 * </ul>
 *
 * Not even one projection, or one column, fitting is a usage error naming the memory needed and how to raise it.
 */
final class CheckMemory {
    private CheckMemory() {}

    /** The most columns a full-mode task holds at once whatever the memory: tests lower it to make tasks chunk. */
    static int columnCap = Integer.MAX_VALUE;

    /** How many projections run at once (probe mode), or how many columns a task holds at once (full mode). */
    record Plan(int probeSlots, int fullChunk) {}

    /** Bytes one probe task needs. */
    static long probeTaskBytes(CheckData d) {
        long widest = 0;
        for (Graph.Node n : d.graph.nodes()) {
            widest = Math.max(widest, n.shape.size());
        }
        long read = d.analyticUri != null ? 4L << 20 : 0; // the stored Jacobian is read 4 MiB at a time
        return 8 * (6 * widest + 3 * d.grid.rows() + 2 * d.grid.cols()) + read;
    }

    /** Bytes of one full-mode task before its columns. */
    static long fullFixedBytes(CheckData d) {
        return 8 * (2L * CheckData.batch(d.graph) * nodeEntries(d.graph) + 2 * d.grid.cols());
    }

    /** Bytes per column a full-mode task holds. */
    static long fullColumnBytes(CheckData d) {
        return 8 * (3 * d.grid.rows() + 2L * d.grid.tileRows());
    }

    static long nodeEntries(Graph g) {
        return g.nodes().stream().mapToLong(n -> n.shape.size()).sum();
    }

    /**
     * Plans the check's memory and logs it; called before the broadcast.
     *
     * @param evaluationBytes what an executor holds of the check's values (unused in local mode, where they are the
     *     driver's own)
     * @throws InvalidInputException when not even one task fits, naming the need and the setting that raises it
     */
    static Plan plan(JobContext ctx, CheckData d, GradcheckResult r, CheckMode mode, long evaluationBytes, JobLog log) {
        long givenBytes = 8
                * d.given.values().stream()
                        .mapToLong(m -> (long) m.numRows * m.numCols)
                        .sum();
        int parallelism = ctx.defaultParallelism();
        long avail;
        int concurrent;
        String where;
        Memory m;
        if (ctx.isLocal()) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            avail = Math.max(0, rt.maxMemory() - used - 2 * givenBytes);
            concurrent = parallelism;
            where = "driver heap " + BlockPlanner.mib(rt.maxMemory()) + ", " + BlockPlanner.mib(used) + " in use";
            m = new Memory(
                    rt.maxMemory(), 1, "ADJOINT_DRIVER_MEMORY=%dg (bin/adjoint) or --driver-memory %dg (spark-submit)");
        } else {
            long exec = ctx.conf().getSizeAsBytes("spark.executor.memory", "1g");
            concurrent = BlockPlanner.coresPerExecutor(ctx.spark());
            avail = Math.max(0, (exec - (300L << 20)) / 2 - evaluationBytes - givenBytes);
            where = "executor memory " + BlockPlanner.mib(exec) + ", " + concurrent + " cores, "
                    + BlockPlanner.mib(evaluationBytes) + " of inputs and tape each";
            m = new Memory(exec, 2, "--conf spark.executor.memory=%dg");
        }
        if (mode == CheckMode.PROBE) {
            long need = probeTaskBytes(d);
            if (avail < need) {
                throw tooSmall(r, need, avail, where, "per projection", m);
            }
            long fit = Math.min(concurrent, avail / need);
            int slots =
                    (int) Math.max(1, Math.min(parallelism, ctx.isLocal() ? fit : fit * BlockPlanner.executors(ctx)));
            log(
                    log,
                    r,
                    "a projection task needs ≈ " + BlockPlanner.human(need) + " (" + where + "): " + slots
                            + " at a time");
            return new Plan(slots, 0);
        }
        long fixed = fullFixedBytes(d);
        long perColumn = fullColumnBytes(d);
        int tasks = Math.max(1, Math.min(concurrent, r.grid.colTiles()));
        long perTask = avail / tasks;
        if (perTask < fixed + perColumn) {
            throw tooSmall(r, (fixed + perColumn) * tasks, avail, where, "for " + tasks + " concurrent task(s)", m);
        }
        int chunk = (int) Math.max(1, Math.min(Math.min(columnCap, d.grid.tileCols()), (perTask - fixed) / perColumn));
        log(
                log,
                r,
                "a full-mode task needs ≈ " + BlockPlanner.human(fixed) + " + " + BlockPlanner.human(perColumn)
                        + " per column (" + where + "): " + chunk + " of its " + d.grid.tileCols()
                        + " columns at a time, "
                        + tasks + " task(s) at once");
        return new Plan(0, chunk);
    }

    /** A memory setting: its current value, how much of it a task can use per byte, how to raise it. */
    private record Memory(long current, int factor, String howTo) {}

    private static InvalidInputException tooSmall(
            GradcheckResult r, long need, long avail, String where, String what, Memory m) {
        long gib = ((m.current + m.factor * (need - avail)) >> 30) + 1;
        return new InvalidInputException("gradcheck of ∂out/∂" + r.input + " needs about " + BlockPlanner.human(need)
                + " " + what + ", and " + where + " leaves " + BlockPlanner.human(avail) + "; raise it, e.g. "
                + String.format(java.util.Locale.ROOT, m.howTo, gib, gib));
    }

    private static void log(JobLog log, GradcheckResult r, String line) {
        if (log != null) {
            log.detail("gradcheck: d/d" + r.input + ": " + line);
        }
    }
}
