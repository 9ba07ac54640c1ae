package io.adjoint.driver.commit;

import io.adjoint.core.contract.BlockSink;
import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * A dense {@code .npy} result as part files ({@link PartLayout}): block b's rows are {@code part-%08d-<CRC-32>}; the
 * frame is the {@code .npy} header, so the result is header + parts in block order.
 */
public final class PartFilesResult extends PartLayout {
    private static final long serialVersionUID = 1L;
    private final long[] shape;
    private final long cols;

    PartFilesResult(String dest, String dir, long[] shape, Fingerprint fingerprint) {
        super(dest, dir, fingerprint);
        this.shape = shape.clone();
        this.cols = shape.length < 2 ? 1 : shape[shape.length - 2] * shape[shape.length - 1];
    }

    private static String prefix(int block) {
        return String.format(Locale.ROOT, "part-%08d-", block);
    }

    @Override
    long resultSize() {
        return NpyWriter.fileSize(shape);
    }

    @Override
    public boolean isIntact(Configuration conf, int block, long r0, int rows) throws IOException {
        return partIntact(conf, prefix(block), rows * cols * 8);
    }

    @Override
    public BlockSink sink(Configuration conf, int block) {
        return (r0, data) ->
                writePart(conf, prefix(block), out -> NpyWriter.writeTo(out, data.data, 0, data.getNumElements()));
    }

    @Override
    public void commitBlock(Configuration conf, int block, DMatrixRMaj data) {
        // the part's name is its journal entry
    }

    @Override
    List<Path> segments(Configuration conf, FileSystem fs, int blocks) throws IOException {
        List<Path> all = new ArrayList<>(blocks + 1);
        byte[] header = NpyWriter.header(shape);
        all.add(frame(fs, "header", header));
        long bytes = header.length;
        for (int b = 0; b < blocks; b++) {
            FileStatus[] p = parts(fs, prefix(b));
            if (p.length != 1) {
                throw new IOException(dir + " holds " + p.length + " parts for block " + b + ", expected 1");
            }
            bytes += p[0].getLen();
            all.add(p[0].getPath());
        }
        if (bytes != resultSize()) {
            throw new IOException("the parts in " + dir + " make " + bytes + " bytes, expected " + resultSize());
        }
        return all;
    }
}
