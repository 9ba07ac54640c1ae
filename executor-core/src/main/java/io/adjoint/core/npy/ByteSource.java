package io.adjoint.core.npy;

import java.io.Closeable;
import java.io.IOException;

/**
 * Positional, read-only access to the bytes of a stored file. Implemented over a local
 * {@code FileChannel} here and over Hadoop's {@code FSDataInputStream} in the driver, so that
 * executor code reads its own row range from any storage without this module knowing about it.
 */
public interface ByteSource extends Closeable {
    /** A name for error messages (the path or URI the user gave). */
    String name();

    /** Total size in bytes. */
    long size() throws IOException;

    /**
     * Reads exactly {@code len} bytes starting at {@code position} into {@code buf[off, off+len)}.
     *
     * @throws java.io.EOFException when the source ends first
     */
    void readFully(long position, byte[] buf, int off, int len) throws IOException;
}
