package io.adjoint.driver.storage;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A Hadoop file system in this JVM's memory, {@code adjoint-mem:/…}: how the Python API hands arrays to the jobs and
 * takes results back without a file. A file is a list of byte buffers read in turn — a {@code .npy} header and the
 * caller's own array memory (a direct buffer over a NumPy array: never copied here; a job reads it once, into its
 * matrices). Results made by the in-memory commit protocols ({@code MemoryResult}, {@code MemoryCsrResult}) are
 * direct buffers the caller wraps as NumPy arrays, again without a copy. Files written through {@link #create} are
 * kept as one direct buffer when closed.
 *
 * <p>The namespace is one map per JVM, shared by every instance (tasks of a local master run in this JVM and find
 * the same files; a cluster's executors do not — in-memory data is for local masters). Renames, deletes and creates
 * are atomic (one lock), as HDFS's are; {@link #rename} refuses an existing destination file, as HDFS does. Cost: a
 * map operation per call; {@link #delete} of a folder and {@link #listStatus} are O(files in the namespace).
 */
public final class MemoryFileSystem extends FileSystem {
    /** The scheme: {@code adjoint-mem:/call-1/X.npy}. */
    public static final String SCHEME = "adjoint-mem";

    private static final URI ROOT = URI.create(SCHEME + ":///");

    /** A file (its bytes, the parts in order, and what in-memory results attach) or a folder. */
    private record Node(boolean dir, List<ByteBuffer> parts, long length, long modified, Object attachment) {
        static Node folder() {
            return new Node(true, List.of(), 0, System.currentTimeMillis(), null);
        }

        static Node file(List<ByteBuffer> parts, Object attachment) {
            long n = 0;
            for (ByteBuffer p : parts) {
                n += p.remaining();
            }
            return new Node(false, parts, n, System.currentTimeMillis(), attachment);
        }
    }

    /** Path (no scheme, absolute, no trailing slash; "/" is the root) → node. */
    private static final TreeMap<String, Node> NODES = new TreeMap<>();

    static {
        NODES.put("/", Node.folder());
    }

    /** Makes {@code conf} resolve {@code adjoint-mem:} paths to this class. */
    public static void register(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", MemoryFileSystem.class.getName());
    }

    /** Whether {@code uri} names this file system. */
    public static boolean isMemory(String uri) {
        return uri != null && uri.startsWith(SCHEME + ":");
    }

    private static String key(Path p) {
        String s = p.toUri().getPath();
        if (s == null || s.isEmpty()) {
            return "/";
        }
        if (!s.startsWith("/")) {
            s = "/" + s;
        }
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String key(String uri) {
        return key(new Path(uri));
    }

    private static String parent(String key) {
        int i = key.lastIndexOf('/');
        return i <= 0 ? "/" : key.substring(0, i);
    }

    /** Creates {@code key}'s missing parent folders; refuses a file in the way. Caller holds the lock. */
    private static void mkParents(String key) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String p = parent(key); ; p = parent(p)) {
            Node n = NODES.get(p);
            if (n != null) {
                if (!n.dir()) {
                    throw new FileAlreadyExistsException(SCHEME + ":" + p + " is a file, not a folder");
                }
                break;
            }
            missing.add(p);
        }
        for (String p : missing) {
            NODES.put(p, Node.folder());
        }
    }

    /**
     * Puts a file at {@code uri} (creating its folders, replacing a file there): the bytes of {@code parts} in turn,
     * each from its position to its limit. The buffers are read, never written or copied here: the caller keeps
     * them unchanged until the file is deleted.
     */
    public static void put(String uri, ByteBuffer... parts) throws IOException {
        ByteBuffer[] views = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            views[i] = parts[i].duplicate();
        }
        putNode(key(uri), Node.file(List.of(views), null));
    }

    /** Creates folder {@code uri} and its parents (nothing when it exists). */
    public static void mkdirs(String uri) throws IOException {
        new MemoryFileSystem().mkdirs(new Path(uri), null);
    }

    /** Puts a result: its bytes (may be empty) and what the caller reads it by ({@link #attachment}). */
    public static void putResult(String uri, ByteBuffer bytes, Object attachment) throws IOException {
        putNode(key(uri), Node.file(List.of(bytes.duplicate()), attachment));
    }

    private static void putNode(String k, Node n) throws IOException {
        synchronized (NODES) {
            Node old = NODES.get(k);
            if (old != null && old.dir()) {
                throw new FileAlreadyExistsException(SCHEME + ":" + k + " is a folder");
            }
            mkParents(k);
            NODES.put(k, n);
        }
    }

    /** The file's single buffer (a result, or a file written through {@link #create}); null when absent. */
    public static ByteBuffer buffer(String uri) {
        Node n;
        synchronized (NODES) {
            n = NODES.get(key(uri));
        }
        return n == null || n.dir() || n.parts().size() != 1
                ? null
                : n.parts().get(0).duplicate();
    }

    /** What an in-memory result attached to its file (the CSR arrays), or null. */
    public static Object attachment(String uri) {
        synchronized (NODES) {
            Node n = NODES.get(key(uri));
            return n == null ? null : n.attachment();
        }
    }

    /** The names in folder {@code uri} (files and folders, sorted); empty when it is absent. */
    public static List<String> names(String uri) {
        String k = key(uri);
        String prefix = k.equals("/") ? "/" : k + "/";
        List<String> out = new ArrayList<>();
        synchronized (NODES) {
            for (String c : NODES.tailMap(prefix, false).keySet()) {
                if (!c.startsWith(prefix)) {
                    break;
                }
                if (c.indexOf('/', prefix.length()) < 0) {
                    out.add(c.substring(prefix.length()));
                }
            }
        }
        return out;
    }

    /** Removes {@code uri} and everything under it; whether anything was there. */
    public static boolean deleteTree(String uri) {
        return remove(key(uri), true);
    }

    /** The number of files and folders held (the root not counted): what a test checks is left behind. */
    public static int size() {
        synchronized (NODES) {
            return NODES.size() - 1;
        }
    }

    private static boolean remove(String k, boolean recursive) {
        synchronized (NODES) {
            Node n = NODES.get(k);
            if (n == null) {
                return false;
            }
            String prefix = k.equals("/") ? "/" : k + "/";
            Map<String, Node> under = NODES.tailMap(prefix, false);
            boolean children =
                    !under.isEmpty() && under.keySet().iterator().next().startsWith(prefix);
            if (n.dir() && children && !recursive) {
                return false;
            }
            under.keySet().removeIf(c -> c.startsWith(prefix));
            if (!k.equals("/")) {
                NODES.remove(k);
            }
            return true;
        }
    }

    // ---- Hadoop's FileSystem ----

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
        super.initialize(name, conf);
        setConf(conf);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return ROOT;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        Node n;
        synchronized (NODES) {
            n = NODES.get(key(f));
        }
        if (n == null) {
            throw new FileNotFoundException(f + ": no such file");
        }
        if (n.dir()) {
            throw new FileNotFoundException(f + " is a folder");
        }
        return new FSDataInputStream(new Input(n.parts(), n.length()));
    }

    @Override
    public FSDataOutputStream create(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        String k = key(f);
        synchronized (NODES) {
            Node old = NODES.get(k);
            if (old != null && (old.dir() || !overwrite)) {
                throw new FileAlreadyExistsException(f + " already exists");
            }
            mkParents(k);
            NODES.put(k, Node.file(List.of(), null)); // there from the create, as on HDFS
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new FSDataOutputStream(bytes, statistics) {
            private boolean closed;

            @Override
            public void close() throws IOException {
                super.close();
                if (!closed) {
                    closed = true;
                    byte[] b = bytes.toByteArray();
                    ByteBuffer d = ByteBuffer.allocateDirect(b.length).put(b).flip();
                    synchronized (NODES) {
                        if (NODES.containsKey(k)) { // not deleted meanwhile
                            NODES.put(k, Node.file(List.of(d), null));
                        }
                    }
                }
            }
        };
    }

    @Override
    public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
        throw new IOException(SCHEME + ": append is not supported");
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        String s = key(src);
        String d = key(dst);
        synchronized (NODES) {
            Node n = NODES.get(s);
            if (n == null || s.equals("/")) {
                return false;
            }
            Node target = NODES.get(d);
            if (target != null && target.dir()) {
                d = (d.equals("/") ? "" : d) + s.substring(s.lastIndexOf('/'));
                target = NODES.get(d);
            }
            if (target != null || d.startsWith(s + "/")) {
                return false;
            }
            Node p = NODES.get(parent(d));
            if (p == null || !p.dir()) {
                return false;
            }
            String prefix = s + "/";
            Map<String, Node> moved = new TreeMap<>();
            for (Map.Entry<String, Node> e : NODES.tailMap(prefix, false).entrySet()) {
                if (!e.getKey().startsWith(prefix)) {
                    break;
                }
                moved.put(d + e.getKey().substring(s.length()), e.getValue());
            }
            NODES.keySet().removeIf(c -> c.startsWith(prefix));
            NODES.remove(s);
            NODES.put(d, n);
            NODES.putAll(moved);
            return true;
        }
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        String k = key(f);
        synchronized (NODES) {
            Node n = NODES.get(k);
            if (n == null) {
                return false;
            }
            if (!remove(k, recursive)) {
                throw new IOException(f + " is a folder that is not empty");
            }
            return true;
        }
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        FileStatus self = getFileStatus(f);
        if (!self.isDirectory()) {
            return new FileStatus[] {self};
        }
        List<FileStatus> out = new ArrayList<>();
        for (String name : names(f.toString())) {
            out.add(getFileStatus(new Path(self.getPath(), name)));
        }
        return out.toArray(new FileStatus[0]);
    }

    @Override
    public void setWorkingDirectory(Path dir) {
        // always the root
    }

    @Override
    public Path getWorkingDirectory() {
        return new Path(ROOT);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        String k = key(f);
        synchronized (NODES) {
            Node n = NODES.get(k);
            if (n != null) {
                if (!n.dir()) {
                    throw new FileAlreadyExistsException(f + " is a file, not a folder");
                }
                return true;
            }
            mkParents(k);
            NODES.put(k, Node.folder());
            return true;
        }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        String k = key(f);
        Node n;
        synchronized (NODES) {
            n = NODES.get(k);
        }
        if (n == null) {
            throw new FileNotFoundException(f + ": no such file");
        }
        return new FileStatus(n.length(), n.dir(), 1, 1 << 26, n.modified(), new Path(SCHEME + ":" + k));
    }

    /** Room for results: what this JVM may still allocate outside its heap (direct buffers), as a disk's free space. */
    @Override
    public FsStatus getStatus(Path p) {
        long max = Runtime.getRuntime().maxMemory();
        return new FsStatus(max, 0, max);
    }

    /** Reads the parts in turn; positional reads copy straight from the buffers. */
    private static final class Input extends FSInputStream {
        private final List<ByteBuffer> parts;
        private final long length;
        private long pos;

        Input(List<ByteBuffer> parts, long length) {
            this.parts = parts;
            this.length = length;
        }

        @Override
        public synchronized void seek(long p) throws IOException {
            if (p < 0 || p > length) {
                throw new EOFException("seek to " + p + " outside 0.." + length);
            }
            pos = p;
        }

        @Override
        public synchronized long getPos() {
            return pos;
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            int n = read(pos, b, off, len);
            if (n > 0) {
                pos += n;
            }
            return n;
        }

        @Override
        public int read(long position, byte[] b, int off, int len) {
            if (position >= length) {
                return len == 0 ? 0 : -1;
            }
            int done = 0;
            long start = 0;
            for (ByteBuffer p : parts) {
                int size = p.remaining();
                long from = position + done;
                if (done < len && from < start + size) {
                    int at = (int) (from - start);
                    int n = Math.min(len - done, size - at);
                    p.get(p.position() + at, b, off + done, n); // absolute: no shared position moves
                    done += n;
                }
                start += size;
            }
            return done;
        }

        @Override
        public void readFully(long position, byte[] b, int off, int len) throws IOException {
            if (read(position, b, off, len) < len) {
                throw new EOFException("read past the end at " + position);
            }
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - pos);
        }
    }
}
