package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.graph.SparsityPattern;
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
 * A Jacobian as {@code NAME.npz} in SciPy's CSR layout, on the local file system (elsewhere: {@link CsrPartsResult}): the (p·q) × (k·l) matricization,
 * one stored entry per non-zero of the structural pattern (values that are numerically zero are kept, so the
 * layout is known before any value is). The driver sizes the archive from the pattern ({@link #planBlocks}: the
 * non-zeros before each block), {@link #setupJob} pre-sizes the temporary; each task writes its rows' indices
 * (from the pattern) and values (its block, a 1 × nnz vector in row order) into their byte ranges and records the
 * CRC-32s of both ranges in the {@link ResumeJournal}; {@link #commitJob} writes indptr (from the pattern, O(rows)),
 * the .npy headers and the ZIP directory with the CRCs combined from the journal, and renames. The driver never
 * reads or holds the values.
 */
public final class CsrResult extends JournaledFile implements CsrOutput {
    private static final long serialVersionUID = 1L;
    private final CsrBlocks layout;

    CsrResult(String dest, String tmp, ResumeJournal journal, SparsityPattern pattern) {
        super(dest, tmp, journal);
        this.layout = new CsrBlocks(pattern);
    }

    /** The archive's size for a pattern, for the space check before any work. */
    public static long fileSize(SparsityPattern p) {
        return new CsrNpz(p.out.size(), p.x.size(), p.nnz()).totalSize();
    }

    @Override
    public void planBlocks(RowBlocks b) {
        layout.plan(b);
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        layout.requirePlanned(rowsPerBlock);
        createTemporary(rowsPerBlock, new byte[0], layout.npz.totalSize());
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return (r0, values) -> {
            layout.checkValues(block, values);
            int n = layout.nnz(block);
            try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.WRITE)) {
                layout.npz.writeIndices(ch, layout.start(block), layout.indices(block), n);
                layout.npz.writeData(ch, layout.start(block), values.data, n);
            }
        };
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) throws IOException {
        int n = layout.nnz(block);
        journal.recordFields(
                block,
                layout.rows(block),
                Long.toHexString(CsrNpz.crc(layout.npz.indexBytes(layout.indices(block), n))),
                Long.toHexString(CsrNpz.crc(CsrNpz.valueBytes(data.data, n))));
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rowsInBlock) throws IOException {
        String[] f = journal.fields(block, rowsInBlock, 2);
        if (f == null) {
            return false;
        }
        int n = layout.nnz(block);
        CsrNpz npz = layout.npz;
        try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.READ)) {
            return f[0].equals(Long.toHexString(crcOfRange(
                            ch, npz.elementOffset(CsrNpz.INDICES, layout.start(block)), (long) n * npz.indexBytes)))
                    && f[1].equals(Long.toHexString(
                            crcOfRange(ch, npz.elementOffset(CsrNpz.DATA, layout.start(block)), n * 8L)));
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
            String[] f = journal.fields(b, layout.rows(b), 2);
            if (f == null) {
                throw new IOException("block " + b + " of " + dest + " has no journal entry");
            }
            long n = layout.nnz(b);
            idxCrc = Crc32Combine.combine(idxCrc, Long.parseLong(f[0], 16), n * layout.npz.indexBytes);
            dataCrc = Crc32Combine.combine(dataCrc, Long.parseLong(f[1], 16), n * 8);
        }
        try (FileChannel ch = FileChannel.open(Paths.get(tmp), StandardOpenOption.WRITE)) {
            layout.writeFrame(ch, idxCrc, dataCrc);
            ch.force(true);
        }
        commitTemporary(layout.npz.totalSize());
    }
}
