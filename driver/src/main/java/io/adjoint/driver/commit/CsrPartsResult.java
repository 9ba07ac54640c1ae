package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.npz.Crc32Combine;
import io.adjoint.core.npz.CsrNpz;
import io.adjoint.driver.plan.RowBlocks;
import io.adjoint.driver.storage.HadoopFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * A CSR {@code .npz} result as part files ({@link PartLayout}), for HDFS and other stores: block b writes its
 * entries' column indices as {@code idx-%08d-<CRC-32>} and their values as {@code val-%08d-<CRC-32>}. At commit the
 * entry CRCs are combined from the parts' names ({@link Crc32Combine}), and the frame — format, shape, indptr (from
 * the pattern, O(rows)), the local headers, the .npy headers and the ZIP directory — is written as three files,
 * so the archive is {@code pre + idx parts + mid + val parts + tail}, joined by {@code concat}. No value passes
 * through the driver; it writes the frame, whose indptr is (rows + 1) indices.
 */
public final class CsrPartsResult extends PartLayout implements CsrOutput {
    private static final long serialVersionUID = 1L;
    private final CsrBlocks layout;

    CsrPartsResult(String dest, String dir, SparsityPattern pattern, Fingerprint fingerprint) {
        super(dest, dir, fingerprint);
        this.layout = new CsrBlocks(pattern);
    }

    private static String idx(int block) {
        return String.format(Locale.ROOT, "idx-%08d-", block);
    }

    private static String val(int block) {
        return String.format(Locale.ROOT, "val-%08d-", block);
    }

    @Override
    public void planBlocks(RowBlocks b) {
        layout.plan(b);
    }

    @Override
    public void setupJob(Configuration conf, int rowsPerBlock) throws IOException {
        layout.requirePlanned(rowsPerBlock);
        super.setupJob(conf, rowsPerBlock);
    }

    @Override
    long resultSize() {
        return layout.npz.totalSize();
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return (r0, values) -> {
            layout.checkValues(block, values);
            int n = layout.nnz(block);
            writePart(conf, idx(block), out -> write(out, layout.npz.indexBytes(layout.indices(block), n)));
            writePart(conf, val(block), out -> write(out, CsrNpz.valueBytes(values.data, n)));
        };
    }

    private static void write(OutputStream out, ByteBuffer b) throws IOException {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) {
        // the parts' names are the journal entry
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rows) throws IOException {
        long n = layout.nnz(block);
        return rows == layout.rows(block)
                && partIntact(conf, idx(block), n * layout.npz.indexBytes)
                && partIntact(conf, val(block), n * 8);
    }

    @Override
    List<Path> segments(Configuration conf, FileSystem fs, int blocks) throws IOException {
        CsrNpz npz = layout.npz;
        List<Path> indices = new ArrayList<>(blocks);
        List<Path> values = new ArrayList<>(blocks);
        long idxCrc = 0;
        long dataCrc = 0;
        for (int b = 0; b < blocks; b++) {
            long n = layout.nnz(b);
            var i = part(fs, idx(b), n * npz.indexBytes);
            var v = part(fs, val(b), n * 8);
            idxCrc = Crc32Combine.combine(idxCrc, crcOf(i, idx(b)), n * npz.indexBytes);
            dataCrc = Crc32Combine.combine(dataCrc, crcOf(v, val(b)), n * 8);
            indices.add(i.getPath());
            values.add(v.getPath());
        }
        // the frame at its offsets in a sparse local file of the archive's size, then its three runs as files
        java.nio.file.Path local = Files.createTempFile("adjoint-csr-frame-", ".npz");
        try {
            try (FileChannel ch = FileChannel.open(local, StandardOpenOption.WRITE)) {
                layout.writeFrame(ch, idxCrc, dataCrc);
            }
            long idxStart = npz.elementOffset(CsrNpz.INDICES, 0);
            long idxEnd = npz.elementOffset(CsrNpz.INDICES, npz.nnz);
            long dataStart = npz.elementOffset(CsrNpz.DATA, 0);
            long dataEnd = npz.elementOffset(CsrNpz.DATA, npz.nnz);
            List<Path> all = new ArrayList<>(2 * blocks + 3);
            all.add(copy(local, 0, idxStart, fs, "pre"));
            all.addAll(indices);
            all.add(copy(local, idxEnd, dataStart, fs, "mid"));
            all.addAll(values);
            all.add(copy(local, dataEnd, npz.totalSize(), fs, "tail"));
            return all;
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /** Bytes [from, to) of the local file as frame file {@code name} in the folder, 1 MiB at a time. */
    private Path copy(java.nio.file.Path local, long from, long to, FileSystem fs, String name) throws IOException {
        Path p = new Path(dir, name);
        try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ);
                OutputStream os = HadoopFiles.create(fs, p, true)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            WritableByteChannel out = java.nio.channels.Channels.newChannel(os);
            for (long pos = from; pos < to; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
                int got = in.read(buf, pos);
                if (got <= 0) { // a sparse file reads zeros, never ends early
                    throw new IOException("frame file ends early");
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                pos += got;
            }
        }
        return p;
    }
}
