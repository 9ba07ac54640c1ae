package io.adjoint.driver;

import org.apache.spark.SparkConf;

/**
 * The Spark settings every Adjoint job runs with, applied only where the user (spark-submit,
 * spark-defaults.conf, --conf) has not set them: Kryo with our registrator and registration required;
 * for a {@code local} master also loopback-only networking and no web UI.
 */
public final class AdjointSpark {
    private AdjointSpark() {
    }

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
}
