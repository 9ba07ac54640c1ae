package io.adjoint.driver.exec;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What a job needs of Spark — the settings, the Hadoop configuration, the task slots — with the Spark context
 * itself started only when the job first runs Spark tasks. On a local master a job small enough for driver threads
 * ({@link Placement}) never starts Spark, which saves the ≈ 1 s a SparkContext takes to
 * start and stop in a fresh JVM — for such jobs more than the work itself. A context made {@link #of} a running
 * Spark context (tests, the Java API) just wraps it.
 */
public final class JobContext implements AutoCloseable {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");

    private final SparkConf conf;
    private final Configuration hadoop;
    private final Supplier<JavaSparkContext> starter;
    private final boolean owned;
    /** The context this one borrows (its Spark, started or not, and its lifetime), or null. */
    private final JobContext lender;

    private JavaSparkContext jsc;

    private JobContext(SparkConf conf, Configuration hadoop, Supplier<JavaSparkContext> starter, JavaSparkContext jsc) {
        this.conf = conf;
        this.hadoop = hadoop;
        this.starter = starter;
        this.owned = starter != null;
        this.jsc = jsc;
        this.lender = null;
    }

    private JobContext(JobContext lender) {
        this.conf = lender.conf;
        this.hadoop = lender.hadoop;
        this.starter = null;
        this.owned = false;
        this.jsc = null;
        this.lender = lender;
    }

    /**
     * A view of this context for one job of a longer session (the Python API's): the same Spark, started on the
     * first job that needs it and kept for the next; {@link #close} of the view leaves it running.
     */
    public JobContext borrowed() {
        return new JobContext(this);
    }

    /** A running Spark context, used as it is; {@link #close} leaves it running. */
    public static JobContext of(JavaSparkContext jsc) {
        return new JobContext(jsc.getConf(), jsc.hadoopConfiguration(), null, jsc);
    }

    /**
     * A Spark context not started yet: {@code starter} builds it from {@code conf} on first {@link #spark()};
     * {@link #close} stops it if it was started. {@code hadoop} is the Hadoop configuration {@code conf} gives
     * ({@link AdjointSpark#hadoopConfiguration}).
     */
    public static JobContext lazy(SparkConf conf, Configuration hadoop, Supplier<JavaSparkContext> starter) {
        return new JobContext(conf, hadoop, starter, null);
    }

    /** The Spark context, started now if it is not yet. */
    public synchronized JavaSparkContext spark() {
        if (lender != null) {
            return lender.spark();
        }
        if (jsc == null) {
            jsc = starter.get();
        }
        return jsc;
    }

    /** Whether the Spark context runs (a job may then read its thread's local properties). */
    public synchronized boolean started() {
        if (lender != null) {
            return lender.started();
        }
        return jsc != null;
    }

    public Configuration hadoopConfiguration() {
        return hadoop;
    }

    public String master() {
        return conf.get("spark.master", "local[*]");
    }

    /** A local master: executors are threads of this JVM. */
    public boolean isLocal() {
        return LOCAL.matcher(master()).matches();
    }

    /**
     * Task slots: the running context's default parallelism; before it starts, what a local master will give
     * ({@code spark.default.parallelism}, else its thread count). A cluster's needs the context: it is started.
     */
    public int defaultParallelism() {
        if (started() || !isLocal()) {
            return spark().defaultParallelism();
        }
        if (conf.contains("spark.default.parallelism")) {
            return conf.getInt("spark.default.parallelism", 1);
        }
        Matcher m = LOCAL.matcher(master());
        if (!m.matches() || m.group(1) == null) {
            return 1; // "local"
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    /** A setting: the calling thread's local property of the running context first, then the Spark conf. */
    public String setting(String key, String otherwise) {
        JavaSparkContext running;
        synchronized (this) {
            running = lender != null ? (lender.started() ? lender.spark() : null) : jsc;
        }
        String v = running == null ? null : running.getLocalProperty(key);
        return v != null ? v : conf.get(key, otherwise);
    }

    /** The fault injection the test settings ask for ({@link Faults#fromSettings}); {@link Faults#NONE} in real runs. */
    public Faults faults() {
        return Faults.fromSettings(this);
    }

    /** The Spark settings (a copy for a running context). */
    public SparkConf conf() {
        return conf;
    }

    /**
     * Stops the Spark context if this object started it. While the JVM shuts down (Ctrl-C, SIGTERM) Spark's own hook
     * stops it too; a failure of that race is no failure of a job that has finished (its results are committed), so
     * it is not thrown then.
     */
    @Override
    public synchronized void close() {
        if (owned && jsc != null) {
            try {
                jsc.stop();
            } catch (RuntimeException e) {
                if (!Interruption.shuttingDown()) {
                    throw e;
                }
            }
        }
    }
}
