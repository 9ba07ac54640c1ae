package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.adjoint.core.graph.FiniteDifferences;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.FileByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.testing.GraphTesting;
import io.adjoint.driver.jacobian.JacobianInputs;
import io.adjoint.driver.jacobian.JacobianJob;
import io.adjoint.driver.spark.AdjointSpark;
import io.adjoint.examples.JacobianFromJava;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.sql.SparkSession;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API guide's example (docs/java-api.md) compiles (it is a test source) and runs: its MLlib matrix and its file equal central
 * differences of the same function (rtol 1e-6, atol 1e-8), and the guide shows the example's source verbatim.
 */
class JavaExampleTest {
    static final Path SOURCE = Paths.get("src/test/java/io/adjoint/examples/JacobianFromJava.java");

    @TempDir
    Path dir;

    @Test
    void theExampleRunsAndItsJacobianEqualsCentralDifferences() throws IOException {
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("JavaExampleTest")
                .set("spark.ui.showConsoleProgress", "false");
        JavaSparkContext jsc = new JavaSparkContext(AdjointSpark.configure(conf));
        try {
            jsc.setLogLevel("WARN");
            JacobianInputs in = JacobianFromJava.prepare(jsc, dir.resolve("jac").toString());
            DMatrixRMaj fd = FiniteDifferences.jacobian(in.graph, in.inputValues(), "X", 1e-6, Functions.standard());
            assertEquals(12, fd.numRows); // out 3×4
            assertEquals(8, fd.numCols); // X 2×4

            DMatrixRMaj viaMllib = new DMatrixRMaj(12, 8);
            for (IndexedRow r : JacobianJob.toIndexedRowMatrix(jsc, in, "X")
                    .rows()
                    .toJavaRDD()
                    .collect()) {
                System.arraycopy(r.vector().toArray(), 0, viaMllib.data, (int) r.index() * 8, 8);
            }
            assertNull(GraphTesting.compare(viaMllib, fd, 1e-6, 1e-8), "MLlib rows vs central differences");

            JacobianJob.run(jsc, in, null);
            try (FileByteSource src = new FileByteSource(dir.resolve("jac").resolve("X.npy"))) {
                NpyHeader h = NpyHeader.read(src);
                assertEquals("[3, 4, 2, 4]", Arrays.toString(h.shape()));
                assertNull(GraphTesting.compare(NpyReader.readAll(src, h, 2), viaMllib, 0, 0), "file = MLlib rows");
            }
        } finally {
            jsc.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        String readme = Files.readString(Paths.get("../docs/java-api.md"), StandardCharsets.UTF_8);
        String marker = "<!-- example: jobs/" + SOURCE.toString().replace('\\', '/') + " -->\n```java\n";
        int at = readme.indexOf(marker);
        assertEquals(true, at >= 0, "docs/java-api.md has the marker " + marker);
        int start = at + marker.length();
        String shown = readme.substring(start, readme.indexOf("```\n", start));
        assertEquals(Files.readString(SOURCE, StandardCharsets.UTF_8), shown);
    }
}
