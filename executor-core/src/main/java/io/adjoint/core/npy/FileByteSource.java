package io.adjoint.core.npy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link ByteSource} over a local file. */
public final class FileByteSource implements ByteSource {
    private final String name;
    private final FileChannel channel;

    public FileByteSource(Path path) throws IOException {
        this.name = path.toString();
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void readFully(long position, byte[] buf, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long pos = position;
        while (bb.position() < off + len) {
            // at most 1 MiB per read: the JDK stages a heap read through a temporary direct buffer of its size
            bb.limit(Math.min(off + len, bb.position() + (1 << 20)));
            int n = channel.read(bb, pos);
            if (n < 0) {
                throw new EOFException(name + ": ends at byte " + pos + ", expected " + (position + len));
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
