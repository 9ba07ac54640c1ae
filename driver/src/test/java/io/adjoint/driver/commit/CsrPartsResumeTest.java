package io.adjoint.driver.commit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianRequest;
import io.adjoint.driver.plan.RowBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSR result as part files (HDFS's layout, here on the local file system) resumes like the others: an
 * interrupted run's parts are reused when their bytes match their names, a damaged one is rewritten, and the
 * committed archive is byte for byte the one the in-place layout writes from the same values.
 */
class CsrPartsResumeTest {
    final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    static final int ROWS_PER_BLOCK = 5;

    SparsityPattern pattern() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(7, "W:6x5", "X:5x7");
        JacobianRequest req = new JacobianRequest();
        req.expr = "tanh(W @ X)";
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".in.npy");
            NpyWriter.write(p, new long[] {e.getValue().numRows, e.getValue().numCols}, e.getValue().data);
            req.inputs.put(e.getKey(), p.toString());
        }
        req.wrt.add("X");
        req.outDir = dir.resolve("unused").toString();
        return JacobianInputs.prepare(req, conf, Functions.standard()).patterns.get(0);
    }

    /** Block b's values: one per pattern entry of its rows, made up but fixed. */
    static DMatrixRMaj values(SparsityPattern p, RowBlocks blocks, int b) {
        SparsityPattern.Scratch s = p.scratch();
        int n = 0;
        for (long r = blocks.start(b); r < blocks.end(b); r++) {
            n += p.rowNnz(r, s);
        }
        DMatrixRMaj v = new DMatrixRMaj(1, n);
        Random rng = new Random(b);
        for (int i = 0; i < n; i++) {
            v.data[i] = rng.nextGaussian();
        }
        return v;
    }

    void write(CommitProtocol out, SparsityPattern p, RowBlocks blocks, int b) throws IOException {
        DMatrixRMaj v = values(p, blocks, b);
        out.sink(conf, b).write(blocks.start(b), v);
        out.commitBlock(conf, b, v);
    }

    @Test
    void partsResumeAndEqualTheInPlaceArchive() throws IOException {
        SparsityPattern p = pattern();
        RowBlocks blocks = new RowBlocks(p.out.size(), ROWS_PER_BLOCK);
        Fingerprint fp = new Fingerprint("0123456789abcdef", new TreeMap<>(Map.of("expr", "tanh(W @ X)")));

        String inPlace = dir.resolve("in-place.npz").toString();
        CommitProtocol reference = CommitProtocol.forCsr(inPlace, p, false, false, conf, fp, false);
        ((CsrOutput) reference).planBlocks(blocks);
        reference.setupJob(conf, ROWS_PER_BLOCK);
        for (int b = 0; b < blocks.count(); b++) {
            write(reference, p, blocks, b);
        }
        reference.commitJob(conf, blocks.count());

        String dest = dir.resolve("parts.npz").toString();
        CommitProtocol first = CommitProtocol.forCsr(dest, p, false, true, conf, fp, false);
        ((CsrOutput) first).planBlocks(blocks);
        first.setupJob(conf, ROWS_PER_BLOCK);
        for (int b = 0; b < blocks.count() - 2; b++) { // the "killed" run: two blocks short, never committed
            write(first, p, blocks, b);
        }

        CommitProtocol again = CommitProtocol.forCsr(dest, p, false, true, conf, fp, true);
        assertTrue(again.resuming());
        assertEquals(ROWS_PER_BLOCK, again.resumedRowsPerBlock());
        ((CsrOutput) again).planBlocks(blocks);
        for (int b = 0; b < blocks.count(); b++) {
            assertEquals(
                    b < blocks.count() - 2, again.isIntact(conf, b, blocks.start(b), ROWS_PER_BLOCK), "block " + b);
        }
        Path folder = Files.list(dir)
                .filter(f -> f.getFileName().toString().endsWith(".parts"))
                .findFirst()
                .orElseThrow();
        Path val1 = Files.list(folder)
                .filter(f -> f.getFileName().toString().startsWith("val-00000001-"))
                .findFirst()
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(val1);
        bytes[0] ^= 1;
        Files.write(val1, bytes);
        assertFalse(again.isIntact(conf, 1, blocks.start(1), ROWS_PER_BLOCK), "a value part that no longer matches");

        again.setupJob(conf, ROWS_PER_BLOCK); // keeps the folder
        for (int b = 0; b < blocks.count(); b++) {
            if (!again.isIntact(conf, b, blocks.start(b), ROWS_PER_BLOCK)) {
                write(again, p, blocks, b);
            }
        }
        again.commitJob(conf, blocks.count());
        assertArrayEquals(Files.readAllBytes(Path.of(inPlace)), Files.readAllBytes(Path.of(dest)));
        assertFalse(Files.exists(folder), "the parts folder is gone");
    }
}
