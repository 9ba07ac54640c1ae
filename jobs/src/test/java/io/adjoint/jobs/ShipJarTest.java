package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * On a cluster master, bin/adjoint ships the jar it runs from (executors need our classes) unless spark.jars is
 * already set (spark-submit sets it); local masters and classes outside a jar ship nothing.
 */
class ShipJarTest {
    static final String JAR = "file:/opt/adjoint/jobs/target/adjoint-jobs-0.1.0.jar";

    static SparkConf conf(String master) {
        return new SparkConf(false).setMaster(master);
    }

    @Test
    void aClusterMasterGetsTheJar() {
        SparkConf c = conf("spark://10.0.0.1:7077");
        SparkOptions.shipJar(c, JAR);
        assertEquals(JAR, c.get("spark.jars"));
        SparkConf y = conf("yarn");
        SparkOptions.shipJar(y, JAR);
        assertEquals(JAR, y.get("spark.jars"));
    }

    @Test
    void submittedJarsLocalMastersAndClassFoldersAreLeftAlone() {
        SparkConf submitted = conf("spark://10.0.0.1:7077").set("spark.jars", "file:/their/app.jar");
        SparkOptions.shipJar(submitted, JAR);
        assertEquals("file:/their/app.jar", submitted.get("spark.jars"));
        SparkConf local = conf("local[2]");
        SparkOptions.shipJar(local, JAR);
        assertFalse(local.contains("spark.jars"));
        SparkConf classes = conf("spark://10.0.0.1:7077");
        SparkOptions.shipJar(classes, "file:/work/jobs/target/classes/");
        assertFalse(classes.contains("spark.jars"));
    }
}
