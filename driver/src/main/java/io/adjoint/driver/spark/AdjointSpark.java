package io.adjoint.driver.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Spark settings every Adjoint job runs with, applied only where the user (spark-submit,
 * spark-defaults.conf, --conf) has not set them: Kryo with our registrator and registration required;
 * for a {@code local} master also loopback-only networking and no web UI.
 */
public final class AdjointSpark {
    private AdjointSpark() {}

    public static SparkConf configure(SparkConf conf) {
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", AdjointKryoRegistrator.class.getName());
        conf.setIfMissing("spark.kryo.registrationRequired", "true");
        String master = conf.get("spark.master", "");
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /**
     * The Hadoop configuration a Spark context built from {@code conf} would have, without starting it: Hadoop's
     * defaults plus every {@code spark.hadoop.*} entry. Lets inputs be validated before Spark starts.
     */
    public static Configuration hadoopConfiguration(SparkConf conf) {
        Configuration h = new Configuration();
        for (Tuple2<String, String> kv : conf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) {
                h.set(kv._1().substring("spark.hadoop.".length()), kv._2());
            }
        }
        return h;
    }
}
