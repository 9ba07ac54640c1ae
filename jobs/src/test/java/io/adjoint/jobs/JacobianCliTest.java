package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.npy.NpyWriter;
import io.adjoint.core.testing.GraphTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jacobian CLI end to end on local[2]: a 3×5 output of a 4×7 input, two --wrt, a user op, --overwrite. */
class JacobianCliTest {
    @TempDir
    Path dir;

    @Test
    void nonSquareShapesSeveralInputsAndAUserOp() throws IOException {
        Map<String, DMatrixRMaj> in = GraphTesting.inputs(21, "X:4x7", "W:3x4", "B:7x5");
        for (Map.Entry<String, DMatrixRMaj> e : in.entrySet()) {
            NpyWriter.write(
                    dir.resolve(e.getKey() + ".npy"),
                    new long[] {e.getValue().numRows, e.getValue().numCols},
                    e.getValue().data);
        }
        String expr = "cube(tanh(W @ X)) @ B - mean(X)";
        Path out = dir.resolve("jac");
        CliRunner r = CliRunner.run(
                "jacobian",
                "--master",
                "local[2]",
                "--expr",
                expr,
                "--input",
                "X=" + dir.resolve("X.npy"),
                "--input",
                "W=" + dir.resolve("W.npy"),
                "--input",
                "B=" + dir.resolve("B.npy"),
                "--wrt",
                "X,W",
                "--out",
                out.toString(),
                "--rows-per-task",
                "4",
                "--verbose");
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("4/4 blocks (100%), 15/15 rows"), r.err);
        assertEquals(List.of("W.npy", "X.npy"), CliRunner.listing(out));
        Graph g = GraphTesting.compile(expr, in);
        for (String w : List.of("X", "W")) {
            try (FileByteSource src = new FileByteSource(out.resolve(w + ".npy"))) {
                NpyHeader h = NpyHeader.read(src);
                assertEquals(
                        List.of(3L, 5L, (long) in.get(w).numRows, (long) in.get(w).numCols),
                        List.of(h.dim(0), h.dim(1), h.dim(2), h.dim(3)));
                DMatrixRMaj got = NpyReader.readAll(src, h, 2);
                DMatrixRMaj fd = FiniteDifferences.jacobian(g, in, w, 1e-6, Functions.standard());
                assertNull(GraphTesting.compare(got, fd, 1e-6, 1e-7), w);
            }
        }
        // a second run into the same folder needs --overwrite
        CliRunner again = CliRunner.run(
                "jacobian",
                "--master",
                "local[2]",
                "--expr",
                expr,
                "--input",
                "X=" + dir.resolve("X.npy"),
                "--input",
                "W=" + dir.resolve("W.npy"),
                "--input",
                "B=" + dir.resolve("B.npy"),
                "--wrt",
                "X",
                "--out",
                out.toString(),
                "--quiet",
                "--overwrite");
        assertEquals(0, again.code, again.err);
        assertTrue(Files.exists(out.resolve("X.npy")));
    }
}
