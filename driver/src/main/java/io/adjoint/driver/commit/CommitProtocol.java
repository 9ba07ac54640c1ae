package io.adjoint.driver.commit;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.contract.BlockSink;
import io.adjoint.driver.destination.Destinations;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * The commit protocol of one distributed {@code .npy} result: how blocks of rows written by tasks become one
 * file under its final name, atomically, and what a failure removes.
 *
 * <p>Lifecycle (the driver calls the job methods, tasks the block methods):
 * <ol>
 *   <li>{@link #forDestination} (driver): checks the destination, chooses the layout, and removes leftovers of
 *   earlier runs of this destination — or, with {@code resume}, keeps those of a run with the same
 *   {@link Fingerprint}.</li>
 *   <li>{@link #setupJob} (driver): creates the temporaries beside the destination, all named
 *   {@code .NAME.adjoint-<fingerprint>…}.</li>
 *   <li>{@link #isIntact} (task, resuming only): whether the interrupted run's block is in place and matches
 *   its journal entry; then the task skips it.</li>
 *   <li>{@link #sink} then {@link #commitBlock} (task): write the block's rows, then record it (the
 *   {@link ResumeJournal}). Retries and speculative attempts write the same bytes to the same place.</li>
 *   <li>{@link #commitJob} (driver): checks the size and renames the temporary to the destination.</li>
 *   <li>{@link #abortJob} (driver, on any failure, and from a shutdown hook): deletes the temporaries this
 *   job created — never the destination, never anything else. {@link #uncommitJob} removes a result this
 *   job committed when a sibling result of the same job failed to commit.</li>
 * </ol>
 * Layouts: on the local file system, tasks write into their byte ranges of one pre-sized temporary file
 * ({@link InPlaceResult} for {@code .npy}, {@link CsrResult} for CSR {@code .npz}); on HDFS and object stores, each
 * block is one or two part files, joined at commit by HDFS {@code concat} — metadata only — or by an executor
 * ({@link PartLayout}: {@link PartFilesResult}, {@link CsrPartsResult}). No result bytes pass through the driver;
 * every layout is resumable. In this JVM's memory ({@code adjoint-mem:}, the Python API's results), tasks write into
 * direct buffers ({@link MemoryResult}, {@link MemoryCsrResult}; not resumable: nothing outlives the process).
 */
public abstract class CommitProtocol implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The suffix of a part-file result's folder, which is also its resume journal. */
    static final String PARTS = ".parts";

    /** The two layouts. */
    public enum Layout {
        IN_PLACE,
        PART_FILES
    }

    /** Which layout this is. */
    public abstract Layout layout();

    /** The final path of the result. */
    public abstract String destination();

    /** Driver: create the temporaries (or, when resuming, keep them), recording the block layout. */
    public abstract void setupJob(Configuration conf, int rowsPerBlock) throws IOException;

    /** The rows per block of the interrupted run this output continues, or 0 (a fresh run). */
    private int resumedRows;

    /** Marks this output as continuing an interrupted run of {@code rowsPerBlock} rows per block (0: it does not). */
    final void resumeWith(int rowsPerBlock) {
        resumedRows = Math.max(0, rowsPerBlock);
    }

    /** Whether this output continues an interrupted run ({@code resume} found its temporaries). */
    public final boolean resuming() {
        return resumedRows > 0;
    }

    /** The rows per block of the interrupted run being resumed, or 0. */
    public final int resumedRowsPerBlock() {
        return resumedRows;
    }

    /**
     * Task: whether block {@code block} (rows [r0, r0 + rows)) is already in place from the interrupted run: its
     * journal entry exists and the checksum of the bytes now in the file matches it.
     */
    public boolean isIntact(Configuration conf, int block, long r0, int rows) throws IOException {
        return false;
    }

    /** Task: the sink for one block's rows. */
    public abstract BlockSink sink(Configuration conf, int block) throws IOException;

    /**
     * Task: the sink for one block's rows; {@code firstWrite} when no earlier attempt or run can have written this
     * block's range (a layout may then skip what already reads right, as zeros of a sparse file do).
     */
    public BlockSink sink(Configuration conf, int block, boolean firstWrite) throws IOException {
        return sink(conf, block);
    }

    /** Task: records a written block (its checksum) so a resumed run can reuse it. */
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) throws IOException {}

    /** Driver: move the finished result to the destination. */
    public abstract void commitJob(Configuration conf, int blocks) throws IOException;

    /** Driver: remove every temporary this job created; never throws. */
    public abstract void abortJob(Configuration conf);

    /**
     * Driver, when the process is interrupted (Ctrl-C, SIGTERM): what kill -9 would leave of a resumable result is
     * kept for {@code --resume}; temporaries of a result that cannot be resumed are removed. Never throws.
     */
    public void interruptJob(Configuration conf) {
        abortJob(conf);
    }

    /** What the last {@link #commitJob} did, for the job's log (how the result was joined, bytes moved), or null. */
    public String commitNote() {
        return null;
    }

    /** Driver: remove the result this job committed (a sibling output failed to commit); never throws. */
    public void uncommitJob(Configuration conf) {
        try {
            Path p = new Path(destination());
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException e) {
            System.err.println("adjoint: warning: could not remove " + destination() + ": " + e.getMessage());
        }
    }

    /**
     * The protocol for a result at {@code dest} with fresh temporaries (not resumable): in place on the local
     * file system unless {@code forceParts}, else part files.
     *
     * @throws InvalidInputException when the folder is missing, the destination is a folder, or it exists
     *     without {@code overwrite}
     */
    public static CommitProtocol forDestination(
            String dest, long[] shape, boolean overwrite, boolean forceParts, Configuration conf) throws IOException {
        return forDestination(dest, shape, overwrite, forceParts, conf, Fingerprint.unique(), false);
    }

    /**
     * Like {@link #forDestination(String, long[], boolean, boolean, Configuration)}, with temporaries named by
     * {@code fingerprint}. Without {@code resume}, leftovers of earlier runs for this destination are removed.
     * With it, the leftovers of a run with the same fingerprint are continued; leftovers of a run with other
     * inputs or arguments are refused with a message naming both runs.
     */
    public static CommitProtocol forDestination(
            String dest,
            long[] shape,
            boolean overwrite,
            boolean forceParts,
            Configuration conf,
            Fingerprint fingerprint,
            boolean resume)
            throws IOException {
        Temporaries t = temporaries(dest, overwrite, forceParts, conf, fingerprint, resume);
        Path q = t.q();
        Path parent = q.getParent();
        String tmpName = t.tmpName();
        boolean local = t.local();
        boolean found = t.found();
        if (memory(q)) {
            return new MemoryResult(q.toString(), new Path(parent, tmpName + ".tmp").toString(), shape);
        }
        if (local) {
            InPlaceResult out = new InPlaceResult(
                    q.toUri().getPath(),
                    parent.toUri().getPath() + "/" + tmpName + ".tmp",
                    new ResumeJournal(parent.toUri().getPath() + "/" + tmpName + ResumeJournal.SUFFIX, fingerprint),
                    shape);
            if (found) {
                out.loadJournal();
            }
            return out;
        }
        PartFilesResult out =
                new PartFilesResult(q.toString(), new Path(parent, tmpName + PARTS).toString(), shape, fingerprint);
        if (found) {
            out.loadManifest(conf);
        }
        return out;
    }

    /** Whether {@code q} is in this JVM's memory ({@link MemoryFileSystem}: the Python API's results). */
    private static boolean memory(Path q) {
        return MemoryFileSystem.SCHEME.equals(q.toUri().getScheme());
    }

    /** The same result's name in the other format: {@code X.npz} for {@code X.npy} and back; else the name. */
    static String otherFormat(String name) {
        return name.endsWith(".npy")
                ? name.substring(0, name.length() - 4) + ".npz"
                : name.endsWith(".npz") ? name.substring(0, name.length() - 4) + ".npy" : name;
    }

    /** Where a result's temporaries go, and whether an interrupted run's are there to resume. */
    private record Temporaries(Path q, String tmpName, boolean local, boolean found) {}

    /**
     * Checks the destination, and removes leftovers of earlier runs for it — or, with {@code resume}, keeps those of
     * a run with the same fingerprint (refusing, in one line naming what differs, those of another run).
     */
    private static Temporaries temporaries(
            String dest,
            boolean overwrite,
            boolean forceParts,
            Configuration conf,
            Fingerprint fingerprint,
            boolean resume)
            throws IOException {
        Path q = Destinations.checkFile(dest, overwrite, conf);
        FileSystem fs = q.getFileSystem(conf);
        Path parent = q.getParent();
        String prefix = "." + q.getName() + ".adjoint-";
        String tmpName = prefix + fingerprint.hash();
        boolean local = "file".equals(fs.getScheme()) && !forceParts;
        String journalSuffix = local ? ResumeJournal.SUFFIX : PARTS;
        // the same result in the other format (X.npy for X.npz): an interrupted run of it cannot be resumed as this
        // one, and its temporaries are leftovers of this result all the same
        String otherPrefix = "." + otherFormat(q.getName()) + ".adjoint-";
        List<FileStatus> leftovers = new ArrayList<>();
        for (FileStatus st : fs.listStatus(parent)) {
            String name = st.getPath().getName();
            if ((name.startsWith(prefix) || name.startsWith(otherPrefix))
                    && !st.getPath().equals(Destinations.fileLock(q))) { // the claim of this run, not a leftover
                leftovers.add(st);
            }
        }
        Path journal = new Path(parent, tmpName + journalSuffix);
        boolean found = resume && fs.exists(journal);
        if (resume && !found) {
            for (FileStatus st : leftovers) {
                String name = st.getPath().getName();
                if (name.startsWith(otherPrefix) && (name.endsWith(ResumeJournal.SUFFIX) || name.endsWith(PARTS))) {
                    String other = otherFormat(q.getName());
                    throw new InvalidInputException("--resume: the interrupted run of " + dest + " was writing "
                            + other + " (--format " + (other.endsWith(".npz") ? "csr" : "npy")
                            + "): resume it with that format, or run without --resume to start over");
                }
            }
            for (FileStatus st : leftovers) {
                String name = st.getPath().getName();
                if (name.endsWith(ResumeJournal.SUFFIX) || name.endsWith(PARTS)) {
                    throw new InvalidInputException("--resume: the interrupted run of " + dest + " differs: "
                            + fingerprint.differencesFrom(ResumeJournal.items(st.getPath(), fs))
                            + "; run without --resume to start over");
                }
            }
        }
        for (FileStatus st : leftovers) {
            if (!(found && st.getPath().getName().startsWith(tmpName))) {
                fs.delete(st.getPath(), true);
            }
        }
        return new Temporaries(q, tmpName, local, found);
    }

    /**
     * The protocol of a CSR {@code .npz} result of {@code pattern}'s entries at {@code dest}: in place on the local
     * file system ({@link CsrResult}), as part files elsewhere ({@link CsrPartsResult}); temporaries named by
     * {@code fingerprint}, continuing an interrupted run with {@code resume}. The caller lays it out from the final
     * blocks ({@link CsrOutput#planBlocks}) before the job's setup.
     *
     * @throws InvalidInputException as {@link #forDestination}
     */
    public static CommitProtocol forCsr(
            String dest,
            io.adjoint.core.graph.SparsityPattern pattern,
            boolean overwrite,
            boolean forceParts,
            Configuration conf,
            Fingerprint fingerprint,
            boolean resume)
            throws IOException {
        Temporaries t = temporaries(dest, overwrite, forceParts, conf, fingerprint, resume);
        if (memory(t.q())) {
            return new MemoryCsrResult(
                    t.q().toString(), new Path(t.q().getParent(), t.tmpName() + ".tmp").toString(), pattern);
        }
        if (!t.local()) {
            CsrPartsResult out = new CsrPartsResult(
                    t.q().toString(),
                    new Path(t.q().getParent(), t.tmpName() + PARTS).toString(),
                    pattern,
                    fingerprint);
            if (t.found()) {
                out.loadManifest(conf);
            }
            return out;
        }
        String parent = t.q().getParent().toUri().getPath();
        CsrResult out = new CsrResult(
                t.q().toUri().getPath(),
                parent + "/" + t.tmpName() + ".tmp",
                new ResumeJournal(parent + "/" + t.tmpName() + ResumeJournal.SUFFIX, fingerprint),
                pattern);
        if (t.found()) {
            out.loadJournal(CsrResult.fileSize(pattern));
        }
        return out;
    }
}
