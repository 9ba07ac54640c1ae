package io.adjoint.driver.storage;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.FileByteSource;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A {@link ByteSource} over any Hadoop FileSystem ({@code file://}, {@code hdfs://}, and stores whose connector is on the class path):
 * positional reads through {@code FSDataInputStream.readFully(position, …)}, so a task reads only the
 * byte range of its rows.
 */
public final class HadoopByteSource implements ByteSource {
    private final String name;
    private final FSDataInputStream in;
    private final long size;

    private HadoopByteSource(String name, FSDataInputStream in, long size) {
        this.name = name;
        this.in = in;
        this.size = size;
    }

    /**
     * Opens {@code uri} (a Hadoop path or URI; a bare path means the default FileSystem). A local file is
     * opened as a {@link FileByteSource} (positional reads on a FileChannel, no Hadoop stream layers): many
     * small reads, such as a column slab read row by row, stay cheap.
     */
    public static ByteSource open(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = HadoopFiles.fileSystem(p, conf);
        org.apache.hadoop.fs.FileStatus st = fs.getFileStatus(p);
        if (st.isDirectory()) {
            throw new IOException(uri + " is a folder, not a .npy file");
        }
        if (fs instanceof org.apache.hadoop.fs.RawLocalFileSystem) {
            java.nio.file.Path local =
                    java.nio.file.Paths.get(fs.makeQualified(p).toUri());
            if (!java.nio.file.Files.isRegularFile(local)) { // opening a FIFO would block until a writer comes
                throw new InvalidInputException(
                        uri + ": not a regular file (a FIFO, device or socket); give a .npy file");
            }
            return new FileNamedSource(uri, new FileByteSource(local));
        }
        long size = st.getLen();
        return new HadoopByteSource(uri, fs.open(p), size);
    }

    /** A local file source that reports the name the user gave. */
    private static final class FileNamedSource implements ByteSource {
        private final String name;
        private final FileByteSource file;

        FileNamedSource(String name, FileByteSource file) {
            this.name = name;
            this.file = file;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void readFully(long position, byte[] buf, int off, int len) throws IOException {
            file.readFully(position, buf, off, len);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long position, byte[] buf, int off, int len) throws IOException {
        if (position + len > size) {
            throw new java.io.EOFException(name + ": read past end (" + (position + len) + " > " + size + ")");
        }
        in.readFully(position, buf, off, len);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
