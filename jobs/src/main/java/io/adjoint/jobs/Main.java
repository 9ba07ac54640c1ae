package io.adjoint.jobs;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.exec.Interruption;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point: {@code bin/adjoint} runs it with plain {@code java}, and it is the
 * {@code spark-submit --class}. Exit codes: 0 success; 2 usage or input error (one line on stderr
 * naming the argument or file, no stack trace); 3 internal failure; gradcheck alone uses 1, for FAIL.
 */
@Command(
        name = "adjoint",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Exact reverse-mode derivatives of matrix-valued functions on Apache Spark.",
        subcommands = {
            JacobianCommand.class,
            GradcheckCommand.class,
            ContractCommand.class,
            VjpCommand.class,
            JvpCommand.class,
            GradCommand.class,
            HessianCommand.class,
            HvpCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Run 'adjoint COMMAND --help' for the options of a command.",
            "Exit codes: 0 success (gradcheck: PASS), 1 gradcheck FAIL, 2 usage or input error, 3 internal failure,",
            "130/143 interrupted (Ctrl-C/SIGTERM; jacobian and contract keep finished blocks for --resume)."
        })
public final class Main implements Runnable {
    public static final int USAGE = 2;
    /** Held strongly: java.util.logging forgets the level of a logger that has been garbage collected. */
    private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib");

    /** A failure that is not the user's: a bug, or the cluster or storage failing under us. */
    public static final int INTERNAL = 3;

    /** Ctrl-C (the JVM itself exits with 143 after SIGTERM). */
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: adjoint jacobian --help)");
    }

    /** The process's standard error as it started: the guard silences {@code System.err} while the JVM ends. */
    static final PrintStream ERR = System.err;

    public static void main(String[] args) {
        // every other way the JVM may end (a signal, Spark's System.exit, a thread dead of OutOfMemoryError) gives the
        // failing command up to 10 s to keep its resumable work and say so, and ends with the promised exit code
        ProcessGuard.install(args);
        ProcessGuard.exit(run(args, System.out, ERR));
    }

    private static final java.util.Set<String> JOBS =
            java.util.Set.of("jacobian", "vjp", "jvp", "gradcheck", "contract", "grad", "hessian", "hvp", "bench");

    /**
     * One-time process set-up done on a second core while the command line is parsed and the inputs are read (as
     * {@code import torch} loads its libraries before any work): the BLAS library (netlib's JNI shim and the
     * system's OpenBLAS, ≈ 20 ms, most of a small job's forward pass) and the JDK's number formatting (locale data,
     * ≈ 25 ms at the first {@code String.format} with a {@code %.2f}, which would otherwise come in the middle of
     * the job's plan line). The first real use waits for a load still under way (class initialization is
     * exclusive); if the BLAS load fails, that first use reports it.
     */
    private static void loadLibrariesInBackground() {
        if (!LIBRARIES_LOADING.compareAndSet(false, true)) {
            return; // once per process (the Python session runs many commands in one)
        }
        Thread t = new Thread(
                () -> {
                    try {
                        io.adjoint.core.linalg.Gemm.implementation();
                    } catch (LinkageError e) {
                        // the first real use of Gemm on the job's thread reports it
                    }
                    String unused = String.format(Locale.ROOT, "%.2f", 1.0);
                },
                "adjoint-load-libraries");
        t.setDaemon(true);
        t.start();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean LIBRARIES_LOADING =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Runs a command line and returns its exit code; never calls System.exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(new CommandLine(new Main()), args, out, err);
    }

    /**
     * {@code adjoint COMMAND} with only that command built: picocli builds a command line by reflection on every
     * command class and its options (≈ 8 ms for all ten, warm), most of a small in-process call's cost; the Python
     * session runs one command per call. Null when {@code command} is not one.
     */
    public static CommandLine single(String command) {
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            Command sub = c.getAnnotation(Command.class);
            if (sub != null && sub.name().equals(command)) {
                CommandLine top =
                        new CommandLine(CommandLine.Model.CommandSpec.create().name("adjoint"));
                top.addSubcommand(command, new CommandLine(c));
                return top;
            }
        }
        return null;
    }

    /** {@link #run(String[], PrintStream, PrintStream)} on the command line {@code cl} (all commands, or one). */
    public static int run(CommandLine cl, String[] args, PrintStream out, PrintStream err) {
        // netlib reports its BLAS choice through java.util.logging at INFO; that is noise for users
        NETLIB_LOG.setLevel(Level.WARNING);
        if (args.length > 0 && JOBS.contains(args[0])) {
            loadLibrariesInBackground();
        }
        cl.setUsageHelpWidth(120);
        shareVersion(cl); // `adjoint jacobian -V` prints it too, not nothing
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, Charset.defaultCharset()), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, Charset.defaultCharset()), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            String unknown = unknownCommand(ex);
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": "
                    + (unknown != null ? unknown : oneLine(ex.getMessage())));
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            ProcessGuard.Ending ending = ProcessGuard.ending();
            if (ending == ProcessGuard.Ending.FOREIGN_EXIT || ending == ProcessGuard.Ending.FATAL_ERROR) {
                err.println(c.getCommandSpec().qualifiedName() + ": internal error: " + ProcessGuard.detail());
                return INTERNAL;
            }
            if (ending != null || Interruption.shuttingDown()) {
                String name = c.getCommandSpec().name();
                err.println(c.getCommandSpec().qualifiedName() + ": interrupted"
                        + (name.equals("jacobian")
                                        || name.equals("contract")
                                        || name.equals("vjp")
                                        || name.equals("jvp")
                                ? "; finished blocks are kept: rerun the same command with --resume to continue"
                                : "; nothing was written"));
                return INTERRUPTED;
            }
            InvalidInputException bad = findInputError(ex);
            if (bad == null) {
                bad = missingConnector(ex);
            }
            if (bad == null) {
                bad = notAPath(ex);
            }
            if (bad != null) {
                err.println(c.getCommandSpec().qualifiedName() + ": " + oneLine(bad.getMessage()));
                return USAGE;
            }
            err.println(c.getCommandSpec().qualifiedName() + ": internal error: " + oneLine(String.valueOf(ex))
                    + (outOfMemory(ex) ? ": " + MORE_MEMORY : ""));
            if (System.getenv("ADJOINT_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("(set ADJOINT_DEBUG=1 for the stack trace)");
            }
            return INTERNAL;
        });
        try {
            return cl.execute(args);
        } catch (Error e) { // picocli hands the execution handler exceptions only; the job's clean-up has run
            err.println("adjoint" + (args.length > 0 && JOBS.contains(args[0]) ? " " + args[0] : "")
                    + ": internal error: " + oneLine(String.valueOf(e)) + (outOfMemory(e) ? ": " + MORE_MEMORY : ""));
            if (System.getenv("ADJOINT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return INTERNAL;
        }
    }

    /** What to do when the driver ran out of memory. */
    static final String MORE_MEMORY =
            "give the driver more memory (ADJOINT_DRIVER_MEMORY=8g bin/adjoint …, or spark-submit --driver-memory 8g)";

    static boolean outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    static InvalidInputException findInputError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException) {
                return (InvalidInputException) c;
            }
        }
        return null;
    }

    /**
     * A path on a store whose Hadoop connector is not on the class path (s3a://, gs://, abfs://…): the user's to fix,
     * by adding the connector, so exit 2 saying which.
     */
    static InvalidInputException missingConnector(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            java.util.regex.Matcher scheme = java.util.regex.Pattern.compile("No FileSystem for scheme \"?([a-z0-9]+)")
                    .matcher(m);
            String which = scheme.find() ? scheme.group(1) + "://" : m.contains("S3AFileSystem") ? "s3a://" : null;
            if (which != null) {
                return new InvalidInputException(which + " paths need their Hadoop connector on the class path, which"
                        + " Adjoint does not ship"
                        + (which.equals("s3a://")
                                ? " (spark-submit --packages org.apache.hadoop:hadoop-aws:3.5.0)"
                                : ""));
            }
        }
        return null;
    }

    /** {@code -V}: the version, and the BLAS the products run on (native, and which library, or Java). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"adjoint 0.1.0 (Spark 4.2.0, Scala 2.13)", "BLAS: " + blas(), "LU: " + lapack()};
        }

        /** What solve, inv and logdet factor with: native LAPACK (and which library) or EJML. */
        static String lapack() {
            String impl;
            try {
                impl = io.adjoint.core.linalg.Lu.implementation();
            } catch (LinkageError e) {
                return "EJML (" + oneLine(e.toString()) + ")";
            }
            if (!impl.startsWith("LAPACK")) {
                return impl + " (no native LAPACK: pure Java, slower for large matrices)";
            }
            String path = System.getProperty("dev.ludovic.netlib.lapack.nativeLibPath");
            return impl + ", native: "
                    + (path != null
                            ? path
                            : System.getProperty("dev.ludovic.netlib.lapack.nativeLib", "liblapack.so.3"));
        }

        static String blas() {
            String impl;
            try {
                impl = io.adjoint.core.linalg.Gemm.implementation();
            } catch (LinkageError e) {
                return "none (" + oneLine(e.toString()) + ")";
            }
            if (!io.adjoint.core.linalg.Gemm.isNative()) {
                return impl + ", netlib's Java BLAS (no native library: several times slower)";
            }
            String path = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath");
            return impl + ", native: "
                    + (path != null ? path : System.getProperty("dev.ludovic.netlib.blas.nativeLib", "libblas.so.3"));
        }
    }

    /** Gives every subcommand without a version of its own the top command's, for {@code -V}. */
    static void shareVersion(CommandLine c) {
        for (CommandLine sub : c.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null
                    && sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            shareVersion(sub);
        }
    }

    /**
     * A path Hadoop cannot parse as a URI ({@code foo:bar}: a colon outside a scheme): only paths the user gave are
     * parsed, so it is theirs to fix — exit 2 naming it, not an internal error.
     */
    static InvalidInputException notAPath(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.URISyntaxException u) {
                return new InvalidInputException("'" + u.getInput() + "' is not a path Hadoop can read ("
                        + u.getReason() + "; a ':' may only follow a scheme, as in file:///data/x.npy)");
            }
        }
        return null;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /**
     * "unknown command 'jacobain' (did you mean jacobian?); commands: …" when the first word given to {@code adjoint}
     * is no command, else null (other usage errors keep picocli's message).
     */
    static String unknownCommand(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u)
                || c.getParent() != null
                || u.getUnmatched().isEmpty()
                || u.getUnmatched().get(0).startsWith("-")) {
            return null;
        }
        String word = u.getUnmatched().get(0);
        List<String> commands = new ArrayList<>(c.getSubcommands().keySet());
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : commands) {
            int d = editDistance(word.toLowerCase(Locale.ROOT), name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        String guess = bestDistance <= Math.max(1, word.length() / 3) ? " (did you mean " + best + "?)" : "";
        return "unknown command '" + word + "'" + guess + "; commands: " + String.join(", ", commands);
    }

    /**
     * Edit distance: the fewest insertions, deletions, substitutions and swaps of two neighbouring letters that turn
     * a into b (optimal string alignment; "vpj" is one swap from "vjp").
     */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
