package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.graph.Pattern;
import io.adjoint.core.npz.Crc32Combine;
import io.adjoint.core.npz.CsrNpz;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Paths;
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
public final class CsrResult extends JournaledFile {
    private static final long serialVersionUID = 1L;
    private final Pattern pattern;
    private final long rows;
    private final long cols;
    private CsrNpz npz;
    private long[] blockStart;
    private RowBlocks blocks;

    CsrResult(String dest, String tmp, ResumeJournal journal, Pattern pattern) {
        super(dest, tmp, journal);
        this.pattern = pattern;
        this.rows = pattern.out.size();
        this.cols = pattern.x.size();
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
        Pattern.Scratch s = pattern.scratch();
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

    /** Task: the stored entries of block {@code b}. */
    public int blockNnz(int b) {
        return Math.toIntExact(blockStart[b + 1] - blockStart[b]);
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        if (npz == null || blocks.rowsPerBlock() != rowsPerBlock) {
            throw new IllegalStateException("planBlocks must see the final blocks before setupJob");
        }
        createTemporary(rowsPerBlock, new byte[0], npz.totalSize());
    }

    /** The column indices of block b's entries, in row order. */
    private int[] indices(int b) {
        int[] ix = new int[blockNnz(b)];
        Pattern.Scratch s = pattern.scratch();
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
                Long.toHexString(CsrNpz.crc(npz.indexBytes(indices(block), n))),
                Long.toHexString(CsrNpz.crc(CsrNpz.valueBytes(data.data, n))));
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
        try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.WRITE)) {
            Pattern.Scratch s = pattern.scratch();
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
        commitTemporary(npz.totalSize());
    }
}
