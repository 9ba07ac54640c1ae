package io.adjoint.driver.plan;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.exec.JobContext;
import io.adjoint.driver.exec.Placement;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Picks the number of result rows per task, B.
 *
 * <p>Memory a task needs for B rows: the adjoint block B·max_t(n_t·m_t) doubles, the result block
 * B·(k·l) doubles, plus a fixed 16 MiB of read and write buffers. The budget per task is half of the
 * executor heap above Spark's 300 MiB reservation, divided among the executor's concurrent tasks, less
 * the broadcast Jacobians the executor holds once. Within that, B aims at {@value #TASKS_PER_SLOT} tasks
 * per task slot (load balance, retries that redo little, progress in steps of ~10%) but not fewer than
 * {@value #MIN_ROWS} rows so each GEMM stays large enough to run near the BLAS rate.
 */
public final class BlockPlanner {
    static final int TASKS_PER_SLOT = 4;
    static final int MIN_ROWS = 64;
    static final long RESERVED = 300L << 20;
    static final long BUFFERS = 16L << 20;
    static final long MIN_TASK_BUDGET = 32L << 20;

    private BlockPlanner() {}

    /** The chosen block layout and a one-line reason for the log. */
    public record Plan(RowBlocks blocks, String reason) {}

    /**
     * Checks a requested rows-per-task before any work: null (the planner chooses) or at least 1.
     *
     * @throws InvalidInputException otherwise
     */
    public static void checkRequested(Integer requested) {
        if (requested != null && requested < 1) {
            throw new InvalidInputException("--rows-per-task must be at least 1, got " + requested);
        }
    }

    /** "broadcast 1.2 MiB", or for driver threads (nothing broadcast, {@code bytes} 0) what they share. */
    public static String broadcastNote(long bytes) {
        return bytes > 0 ? "broadcast " + mib(bytes) : "the tape is shared by driver threads, not broadcast";
    }

    /**
     * What a job's blocks need — the planner's request: {@code rows} result rows (p·q, or products), each needing
     * {@code adjointCols} doubles of sweep (max_t n_t·m_t) and {@code resultCols} of result (k·l); {@code
     * broadcastBytes} held once per executor (the broadcast work; for the fewest-tasks plan, what each task holds
     * beside its rows); the user's rows per task ({@code requested}, null: the planner's choice); and blocks of whole
     * granules of {@code granule} rows where memory allows (compressed seeding: a block that holds whole colour runs
     * sweeps each colour once). Start from {@link #rows} and set the rest by name.
     */
    public record Need(
            long rows, long adjointCols, long resultCols, long broadcastBytes, Integer requested, int granule) {
        /** {@code rows} rows of {@code adjointCols} sweep and {@code resultCols} result doubles; nothing else. */
        public static Need rows(long rows, long adjointCols, long resultCols) {
            return new Need(rows, adjointCols, resultCols, 0, null, 1);
        }

        public Need broadcast(long bytes) {
            return new Need(rows, adjointCols, resultCols, bytes, requested, granule);
        }

        public Need requested(Integer rowsPerTask) {
            return new Need(rows, adjointCols, resultCols, broadcastBytes, rowsPerTask, granule);
        }

        public Need granule(int rowsPerGranule) {
            return new Need(rows, adjointCols, resultCols, broadcastBytes, requested, rowsPerGranule);
        }

        /** Bytes a row of a block holds: its sweep and its result. */
        long bytesPerRow() {
            return 8 * (Math.max(1, adjointCols) + Math.max(1, resultCols));
        }

        /** The most rows of a block: one holds at most 2^31 − 1 elements per matrix (Java arrays). */
        long arrayCap() {
            return (Integer.MAX_VALUE - 8) / Math.max(1, Math.max(adjointCols, resultCols));
        }
    }

    /**
     * Where the blocks run: the heap of one executor ({@code memory}; the driver's in local mode), its concurrent
     * tasks, and the task slots in all.
     */
    public record Slots(long memory, int coresPerExecutor, int parallelism) {
        /**
         * The job context's: in local mode the tasks share the driver's heap (Spark is not started); on a cluster,
         * {@code spark.executor.memory} and the cores per executor ({@link #coresPerExecutor(JavaSparkContext)}).
         */
        public static Slots of(JobContext ctx) {
            boolean local = ctx.isLocal();
            int parallelism = ctx.defaultParallelism();
            long mem =
                    local ? Runtime.getRuntime().maxMemory() : ctx.conf().getSizeAsBytes("spark.executor.memory", "1g");
            return new Slots(mem, local ? parallelism : BlockPlanner.coresPerExecutor(ctx.spark()), parallelism);
        }
    }

    /** {@link #plan(Need, Slots)} with the job context's slots. */
    public static Plan plan(JobContext ctx, Need need) {
        return plan(need, Slots.of(ctx));
    }

    /** The rows per task for {@code need} on {@code slots}, and why. */
    public static Plan plan(Need need, Slots slots) {
        long rows = need.rows();
        long broadcastBytes = need.broadcastBytes();
        long executorMemory = slots.memory();
        int coresPerExecutor = slots.coresPerExecutor();
        int parallelism = slots.parallelism();
        int requested = need.requested() == null ? 0 : need.requested();
        int granule = need.granule();
        long bytesPerRow = need.bytesPerRow();
        long arrayCap = need.arrayCap();
        long usable = Math.max(0, executorMemory - RESERVED) / 2;
        long perTask = Math.max(MIN_TASK_BUDGET, (usable - broadcastBytes) / Math.max(1, coresPerExecutor) - BUFFERS);
        long memCap = Math.max(1, Math.min(arrayCap, perTask / bytesPerRow));
        long maxRows = Math.max(1, rows);
        if (requested > 0) {
            int b = (int) Math.min(requested, maxRows);
            String why = "rows per task B=" + b + " (--rows-per-task " + requested + ")";
            if (b > memCap) {
                why += "; warning: the memory model allows " + memCap + " rows per task (" + mib(perTask)
                        + " per task / " + bytesPerRow + " B per row)";
            }
            if (b > arrayCap) {
                throw new InvalidInputException("--rows-per-task " + requested
                        + ": a block of that many rows exceeds 2^31 array elements; use at most " + arrayCap);
            }
            return new Plan(new RowBlocks(rows, b), why);
        }
        long target = ceilDiv(maxRows, (long) TASKS_PER_SLOT * Math.max(1, parallelism));
        long b = Math.max(target, Math.min(MIN_ROWS, maxRows));
        b = Math.min(b, memCap);
        b = Math.min(b, maxRows);
        // whole waves: as many tasks as a multiple of the slots, equal in size (64 rows on 2 slots with at most 18
        // per task: 4 tasks of 16, not 18, 18, 18 and 10, whose last wave would run one slot idle part of the time)
        long tasks = ceilDiv(maxRows, b);
        long balanced = tasks <= 1 ? b : ceilDiv(maxRows, ceilDiv(tasks, Math.max(1, parallelism)) * parallelism);
        String wave = balanced < b ? "; " + b + " evened out to " + balanced + " for whole waves" : "";
        b = Math.min(b, balanced);
        if (granule > 1 && memCap >= granule && b % granule != 0 && granule < maxRows) {
            // whole granules, evened into waves the same way
            long g = Math.max(1, b / granule);
            long units = ceilDiv(maxRows, granule);
            long t = ceilDiv(units, g);
            long even = t <= 1 ? g : ceilDiv(units, ceilDiv(t, Math.max(1, parallelism)) * parallelism);
            g = Math.max(1, Math.min(g, even));
            wave += "; " + b + " → " + g * granule + " for whole granules of " + granule + " rows";
            b = g * granule;
        }
        String why = "rows per task B=" + b + ": " + rows + " rows over " + parallelism + " task slots × "
                + TASKS_PER_SLOT + " → " + target + ", at least " + Math.min(MIN_ROWS, maxRows)
                + ", at most " + memCap + " by memory (" + mib(perTask) + " per task / " + bytesPerRow
                + " B per row; executor heap " + mib(executorMemory) + ", " + coresPerExecutor
                + " tasks per executor" + (broadcastBytes > 0 ? ", broadcast " + mib(broadcastBytes) : "") + ")" + wave;
        return new Plan(new RowBlocks(rows, (int) b), why);
    }

    /**
     * The rows per task when every task reads a large operand in full from storage (contract's streamed plan, whose
     * tasks each read all of J): as few tasks as fill the task slots once, each as large as memory allows, since
     * every extra task reads the operand once more. Each task also holds {@code need.broadcastBytes()} (one panel of
     * J).
     */
    public static Plan planFewestTasks(JobContext ctx, Need need) {
        Slots slots = Slots.of(ctx);
        if (need.requested() != null) {
            return plan(need.broadcast(need.broadcastBytes() * slots.coresPerExecutor()), slots);
        }
        long usable = Math.max(0, slots.memory() - RESERVED) / 2;
        long perTask = Math.max(
                MIN_TASK_BUDGET, usable / Math.max(1, slots.coresPerExecutor()) - need.broadcastBytes() - BUFFERS);
        long memCap = Math.max(1, Math.min(need.arrayCap(), perTask / need.bytesPerRow()));
        long maxRows = Math.max(1, need.rows());
        long oneWave = ceilDiv(maxRows, Math.max(1, slots.parallelism()));
        long b = Math.min(oneWave, memCap);
        long tasks = ceilDiv(maxRows, b);
        b = ceilDiv(maxRows, tasks); // equal blocks
        return new Plan(
                new RowBlocks(need.rows(), (int) b),
                "rows per task B=" + b + ": " + need.rows() + " rows over " + slots.parallelism() + " task slots → "
                        + oneWave + " (one wave: each task reads the Jacobians once), at most " + memCap
                        + " by memory (" + mib(perTask) + " per task beside a " + mib(need.broadcastBytes())
                        + " panel / " + need.bytesPerRow() + " B per row; executor heap " + mib(slots.memory()) + ", "
                        + slots.coresPerExecutor() + " tasks per executor)");
    }

    /**
     * For jobs whose rows are independent (products): when the tasks run on driver threads and the planner made
     * fewer blocks than threads, one block per thread instead — a driver thread's block costs no scheduling. Left
     * as planned when {@code fixed}: an explicit {@code --rows-per-task}, or a resume (whose journal fixes the blocks).
     */
    public static Plan blockPerThread(Plan plan, Placement where, boolean fixed) {
        RowBlocks planned = plan.blocks();
        if (!where.inDriver() || fixed || planned.count() >= where.threads() || planned.rows() <= planned.count()) {
            return plan;
        }
        int b = (int) ((planned.rows() + where.threads() - 1) / where.threads());
        return new Plan(
                new RowBlocks(planned.rows(), b), plan.reason() + "; B=" + b + " to give each driver thread a block");
    }

    /**
     * Executors of a cluster: those registered when asked (the driver aside), else {@code spark.executor.instances},
     * else the task slots over the cores per executor. 0 in local mode.
     */
    public static int executors(JobContext ctx) {
        if (ctx.isLocal()) {
            return 0;
        }
        JavaSparkContext jsc = ctx.spark();
        int registered = jsc.statusTracker().getExecutorInfos().length - 1;
        if (registered > 0) {
            return registered;
        }
        int instances = jsc.getConf().getInt("spark.executor.instances", 0);
        if (instances > 0) {
            return instances;
        }
        return Math.max(1, jsc.defaultParallelism() / Math.max(1, jsc.getConf().getInt("spark.executor.cores", 2)));
    }

    /**
     * Concurrent tasks per executor on a cluster: {@code spark.executor.cores}, else the task slots of the registered
     * executors over their number (a standalone executor takes all its Worker's cores), else 2.
     */
    public static int coresPerExecutor(JavaSparkContext jsc) {
        if (jsc.getConf().contains("spark.executor.cores")) {
            return Math.max(1, jsc.getConf().getInt("spark.executor.cores", 2));
        }
        int registered = jsc.statusTracker().getExecutorInfos().length - 1;
        return registered > 0 ? Math.max(1, jsc.defaultParallelism() / registered) : 2;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Bytes as GiB with two decimals from 1 GiB up, MiB with one from 1 MiB up, else KiB or bytes, for messages. */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }

    /** Bytes as MiB with one decimal, for logs. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
