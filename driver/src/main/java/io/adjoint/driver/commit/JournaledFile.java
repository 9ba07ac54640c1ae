package io.adjoint.driver.commit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;

/**
 * What the resumable results on the local file system share: one pre-sized temporary beside the destination that
 * tasks fill in place, its {@link ResumeJournal}, the resume state, and the end of the lifecycle — a size-checked
 * atomic rename on commit, both removed on abort, both kept on interrupt (what {@code --resume} continues from).
 * {@link InPlaceResult} (a dense {@code .npy}) and {@link CsrResult} (a CSR {@code .npz}) add their layouts.
 */
abstract class JournaledFile extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    final String dest;
    final String tmp;
    final ResumeJournal journal;

    JournaledFile(String dest, String tmp, ResumeJournal journal) {
        this.dest = dest;
        this.tmp = tmp;
        this.journal = journal;
    }

    /** Continues the interrupted run when its journal and a temporary of {@code size} bytes are there. */
    void loadJournal(long size) throws IOException {
        java.nio.file.Path t = Paths.get(tmp);
        if (!Files.exists(t) || Files.size(t) != size) {
            return;
        }
        resumeWith(journal.rowsPerBlock());
    }

    /**
     * Driver: a fresh journal for blocks of {@code rowsPerBlock}, and the temporary at {@code size} bytes, sparse,
     * starting with {@code head}. When resuming, the interrupted run's temporary is kept but {@code head} is written
     * again: the frame is derived from the shape, never computed, and no block's checksum covers it, so a damaged
     * header (another shape, a flipped magic byte) must not survive into the committed file.
     */
    void createTemporary(int rowsPerBlock, byte[] head, long size) throws IOException {
        if (resuming()) {
            if (head.length > 0) {
                try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(head), 0);
                }
            }
            return;
        }
        Files.deleteIfExists(Paths.get(tmp));
        journal.create(rowsPerBlock);
        try (FileChannel ch =
                FileChannel.open(Paths.get(tmp), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(head), 0);
            if (size > head.length) {
                ch.write(ByteBuffer.allocate(1), size - 1); // a sparse file of the full size: tasks fill their ranges
            }
        }
    }

    /** Driver: checks the temporary is {@code size} bytes, renames it to the destination, drops the journal. */
    void commitTemporary(long size) throws IOException {
        java.nio.file.Path t = Paths.get(tmp);
        if (Files.size(t) != size) {
            throw new IOException("temporary result " + tmp + " has " + Files.size(t) + " bytes, expected " + size);
        }
        Files.move(t, Paths.get(dest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        journal.delete();
    }

    @Override
    public Layout layout() {
        return Layout.IN_PLACE;
    }

    @Override
    public String destination() {
        return dest;
    }

    @Override
    public void interruptJob(Configuration conf) {
        // the temporary and its journal are what --resume continues from
    }

    @Override
    public void abortJob(Configuration conf) {
        try {
            Files.deleteIfExists(Paths.get(tmp));
            journal.delete();
        } catch (IOException e) {
            System.err.println("adjoint: warning: could not remove temporary " + tmp + ": " + e.getMessage());
        }
    }
}
