package io.adjoint.driver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM — one NameNode and one DataNode of Hadoop 3.5.0 (Spark 4.2.0's), every address on
 * 127.0.0.1 with a free port, its storage under a given folder. For the tests, and, through {@link #main}, for
 * {@code bin/spark-cluster start --hdfs}.
 */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts an HDFS with its storage under {@code base} and waits until it takes writes. */
    public static MiniHdfs start(Path base) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toAbsolutePath().toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setInt("dfs.replication", 1);
        // a small block size, so the test results span several blocks and the commit's concat joins partial blocks
        conf.setLong("dfs.blocksize", 1 << 20);
        conf.setLong("dfs.namenode.fs-limits.min-block-size", 0);
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf)
                .numDataNodes(1)
                .nameNodePort(0)
                .format(true)
                .build();
        c.waitActive();
        return new MiniHdfs(c);
    }

    /** {@code hdfs://127.0.0.1:PORT}. */
    public String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    /** A client of this HDFS. */
    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }

    /**
     * {@code MiniHdfs DIR}: starts an HDFS with its storage in {@code DIR/data}, writes its URI to
     * {@code DIR/hdfs.url} once it takes writes, and runs until the process is stopped (SIGTERM shuts it down).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: MiniHdfs DIR");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        Files.createDirectories(dir);
        MiniHdfs hdfs = start(dir.resolve("data"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hdfs.close();
            stopped.countDown();
        }));
        Path tmp = dir.resolve("hdfs.url.tmp");
        Files.writeString(tmp, hdfs.uri() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("hdfs.url"), StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
