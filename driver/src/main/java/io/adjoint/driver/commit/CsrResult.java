package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.graph.Pattern;
import io.adjoint.core.npz.Crc32Combine;
import io.adjoint.core.npz.CsrNpz;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;

/**
 * A Jacobian as {@code NAME.npz} in SciPy's CSR layout, on the local file system: the (p·q) × (k·l) matricization,
 * one stored entry per non-zero of the structural pattern (values that are numerically zero are kept, so the
 * layout is known before any value is). The driver sizes the archive from the pattern ({@link #planBlocks}: the
 * non-zeros before each block), {@link #setupJob} pre-sizes the temporary; each task writes its rows' indices
 * (from the pattern) and values (its block, a 1 × nnz vector in row order) into their byte ranges and records the
 * CRC-32s of both ranges in the {@link ResumeJournal}; {@link #commitJob} writes indptr (from the pattern, O(rows)),
 * the .npy headers and the ZIP directory with the CRCs combined from the journal, and renames. The driver never
 * reads or holds the values.
 */
public final class CsrResult extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    private final String dest;
    private final String tmp;
    private final ResumeJournal journal;
    private final Pattern pattern;
    private final long rows;
    private final long cols;
    private CsrNpz npz;
    private long[] blockStart;
    private RowBlocks blocks;
    private boolean resuming;
    private int resumedRows;

    CsrResult(String dest, String tmp, ResumeJournal journal, Pattern pattern) {
        this.dest = dest;
        this.tmp = tmp;
        this.journal = journal;
        this.pattern = pattern;
        this.rows = pattern.out.size();
        this.cols = pattern.x.size();
    }

    /** The pattern's stored entries (the archive's nnz). */
    public static long nnz(Pattern p) {
        return p.nnz();
    }

    /** The archive's size for a pattern, for the space check before any work. */
    public static long fileSize(Pattern p) {
        return new CsrNpz(p.out.size(), p.x.size(), p.nnz()).totalSize();
    }

    /**
     * Driver, before the broadcast: the non-zeros before each block, and the archive layout. O(rows) for a pattern
     * of one term, O(non-zeros) otherwise.
     */
    public void planBlocks(RowBlocks b) {
        this.blocks = b;
        blockStart = new long[b.count() + 1];
        Pattern.Scratch s = pattern.terms().size() > 1 ? new Pattern.Scratch(pattern.x.size()) : null;
        long n = 0;
        for (int k = 0; k < b.count(); k++) {
            blockStart[k] = n;
            for (long r = b.start(k); r < b.end(k); r++) {
                n += pattern.rowNnz(r, s);
            }
        }
        blockStart[b.count()] = n;
        npz = new CsrNpz(rows, cols, n);
    }

    /** Continues the interrupted run when its journal and a temporary of the right size are there. */
    void loadJournal(long expectedSize) throws IOException {
        java.nio.file.Path t = Paths.get(tmp);
        if (!Files.exists(t) || Files.size(t) != expectedSize) {
            return;
        }
        resumedRows = journal.rowsPerBlock();
        resuming = resumedRows > 0;
    }

    /** Task: the stored entries of block {@code b}. */
    public int blockNnz(int b) {
        return Math.toIntExact(blockStart[b + 1] - blockStart[b]);
    }

    /** The pattern whose entries are stored. */
    public Pattern pattern() {
        return pattern;
    }

    @Override
    public boolean resuming() {
        return resuming;
    }

    @Override
    public int resumedRowsPerBlock() {
        return resumedRows;
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
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        if (npz == null || blocks.rowsPerBlock() != rowsPerBlock) {
            throw new IllegalStateException("planBlocks must see the final blocks before setupJob");
        }
        if (resuming) {
            return;
        }
        Files.deleteIfExists(Paths.get(tmp));
        journal.create(rowsPerBlock);
        try (FileChannel ch =
                FileChannel.open(Paths.get(tmp), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), npz.totalSize() - 1); // sparse: tasks fill their ranges
        }
    }

    /** The column indices of block b's entries, in row order. */
    private int[] indices(int b) {
        int[] ix = new int[blockNnz(b)];
        Pattern.Scratch s = pattern.terms().size() > 1 ? new Pattern.Scratch(pattern.x.size()) : null;
        int k = 0;
        for (long r = blocks.start(b); r < blocks.end(b); r++) {
            int[] c = pattern.columns(r, s);
            System.arraycopy(c, 0, ix, k, c.length);
            k += c.length;
        }
        return ix;
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return (r0, values) -> {
            int n = blockNnz(block);
            if (values.getNumElements() != n) {
                throw new IllegalStateException(
                        "block " + block + " has " + values.getNumElements() + " values for " + n + " entries");
            }
            try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.WRITE)) {
                npz.writeIndices(ch, blockStart[block], indices(block), n);
                npz.writeData(ch, blockStart[block], values.data, n);
            }
        };
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) throws IOException {
        int n = blockNnz(block);
        journal.recordFields(
                block,
                (int) (blocks.end(block) - blocks.start(block)),
                Long.toHexString(crcOfIndices(indices(block), n)),
                Long.toHexString(crcOfValues(data.data, n)));
    }

    private long crcOfIndices(int[] ix, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * npz.indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (npz.indexBytes == 4) {
                b.putInt(ix[i]);
            } else {
                b.putLong(ix[i]);
            }
        }
        CRC32 c = new CRC32();
        c.update(b.flip());
        return c.getValue();
    }

    private static long crcOfValues(double[] v, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v, 0, n);
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rowsInBlock) throws IOException {
        String[] f = journal.fields(block, rowsInBlock, 2);
        if (f == null) {
            return false;
        }
        int n = blockNnz(block);
        try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.READ)) {
            return f[0].equals(Long.toHexString(crcOfRange(
                            ch, npz.elementOffset(CsrNpz.INDICES, blockStart[block]), (long) n * npz.indexBytes)))
                    && f[1].equals(Long.toHexString(
                            crcOfRange(ch, npz.elementOffset(CsrNpz.DATA, blockStart[block]), n * 8L)));
        }
    }

    private static long crcOfRange(FileChannel ch, long pos, long len) throws IOException {
        CRC32 c = new CRC32();
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(len, 1 << 20));
        for (long done = 0; done < len; ) {
            b.clear().limit((int) Math.min(b.capacity(), len - done));
            int got = ch.read(b, pos + done);
            if (got < 0) {
                throw new IOException("temporary result ends early");
            }
            c.update(b.flip());
            done += got;
        }
        return c.getValue();
    }

    @Override
    public void commitJob(Configuration conf, int count) throws IOException {
        long idxCrc = 0;
        long dataCrc = 0;
        for (int b = 0; b < count; b++) {
            String[] f = journal.fields(b, (int) (blocks.end(b) - blocks.start(b)), 2);
            if (f == null) {
                throw new IOException("block " + b + " of " + dest + " has no journal entry");
            }
            long n = blockNnz(b);
            idxCrc = Crc32Combine.combine(idxCrc, Long.parseLong(f[0], 16), n * npz.indexBytes);
            dataCrc = Crc32Combine.combine(dataCrc, Long.parseLong(f[1], 16), n * 8);
        }
        java.nio.file.Path t = Paths.get(tmp);
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
            Pattern.Scratch s = pattern.terms().size() > 1 ? new Pattern.Scratch(pattern.x.size()) : null;
            long[] next = {0, 0}; // row, entries before it: rows are asked for in order
            long ipCrc = npz.writeIndptr(ch, r -> {
                while (next[0] < r) {
                    next[1] += pattern.rowNnz(next[0]++, s);
                }
                return next[1];
            });
            npz.writeFrame(ch, ipCrc, idxCrc, dataCrc);
            ch.force(true);
        }
        if (Files.size(t) != npz.totalSize()) {
            throw new IOException(
                    "temporary result " + tmp + " has " + Files.size(t) + " bytes, expected " + npz.totalSize());
        }
        Files.move(t, Paths.get(dest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        journal.delete();
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
