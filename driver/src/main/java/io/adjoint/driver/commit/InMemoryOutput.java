package io.adjoint.driver.commit;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;

/**
 * What the two in-memory results ({@link MemoryResult}, {@link MemoryCsrResult}) share: a temporary under
 * {@link MemoryFileSystem} that the tasks of this JVM fill, renamed to the destination by {@link #commit} and
 * deleted by {@link #abortJob}; nothing resumes (nothing outlives the process).
 */
abstract class InMemoryOutput extends CommitProtocol {
    private static final long serialVersionUID = 1L;
    protected final String dest;
    protected final String tmp;

    /** An output of {@code bytes} at {@code dest}, refused when one buffer cannot hold it (2 GiB). */
    InMemoryOutput(String dest, String tmp, long bytes) {
        this.dest = dest;
        this.tmp = tmp;
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new InvalidInputException(String.format(
                    java.util.Locale.ROOT,
                    "the result %s takes %.1f GiB, more than one in-memory array may (2 GiB): write it to a folder"
                            + " instead (out=...), or ask for format=\"csr\"",
                    dest.substring(dest.lastIndexOf('/') + 1),
                    bytes / (double) (1L << 30)));
        }
    }

    @Override
    public final Layout layout() {
        return Layout.IN_PLACE;
    }

    @Override
    public final String destination() {
        return dest;
    }

    /** A task outside this JVM (a cluster's executor) finds no temporary: said as such. */
    protected final IOException notInThisJvm() {
        return new IOException(tmp + " is not in this JVM: in-memory results need a local master");
    }

    /** Puts the finished result at the destination and drops the temporary. */
    protected final void commit(ByteBuffer bytes, Object attachment) throws IOException {
        MemoryFileSystem.putResult(dest, bytes, attachment);
        MemoryFileSystem.deleteTree(tmp);
    }

    @Override
    public final void abortJob(Configuration conf) {
        MemoryFileSystem.deleteTree(tmp);
    }
}
