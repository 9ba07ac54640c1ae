package io.adjoint.driver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory file system the Python API hands arrays through: Hadoop's semantics, reads across parts. */
class MemoryFileSystemTest {
    private static final String ROOT = "adjoint-mem:/fs-test";

    @AfterEach
    void clean() {
        MemoryFileSystem.deleteTree(ROOT);
    }

    private static FileSystem fs() throws IOException {
        Configuration conf = new Configuration(false);
        MemoryFileSystem.register(conf);
        return new Path(ROOT).getFileSystem(conf);
    }

    @Test
    void aFileOfPartsReadsAsTheirBytesInTurnPositionallyAndInSequence() throws IOException {
        byte[] head = "header:".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = ByteBuffer.allocateDirect(10);
        for (int i = 0; i < 10; i++) {
            data.put((byte) ('0' + i));
        }
        data.flip();
        MemoryFileSystem.put(ROOT + "/in/x.npy", ByteBuffer.wrap(head), data);
        FileSystem fs = fs();
        assertTrue(fs instanceof MemoryFileSystem);
        assertEquals(17, fs.getFileStatus(new Path(ROOT + "/in/x.npy")).getLen());
        assertTrue(fs.getFileStatus(new Path(ROOT + "/in")).isDirectory(), "parents are created");
        try (FSDataInputStream in = fs.open(new Path(ROOT + "/in/x.npy"))) {
            byte[] b = new byte[6];
            in.readFully(4, b); // across the two parts
            assertEquals("er:012", new String(b, StandardCharsets.US_ASCII));
            byte[] all = in.readAllBytes();
            assertEquals("header:0123456789", new String(all, StandardCharsets.US_ASCII));
            assertEquals(-1, in.read());
            assertThrows(java.io.EOFException.class, () -> in.readFully(15, new byte[5]));
        }
        assertEquals(0, data.position(), "the caller's buffer is never moved");
    }

    @Test
    void createRenameDeleteAndListFollowHadoop() throws IOException {
        FileSystem fs = fs();
        Path a = new Path(ROOT + "/d/a.bin");
        try (OutputStream o = fs.create(a, false)) {
            o.write(new byte[] {1, 2, 3});
        }
        assertArrayEquals(new byte[] {1, 2, 3}, fs.open(a).readAllBytes());
        assertThrows(FileAlreadyExistsException.class, () -> fs.create(a, false));
        Path b = new Path(ROOT + "/d/b.bin");
        assertTrue(fs.rename(a, b));
        assertFalse(fs.exists(a));
        try (OutputStream o = fs.create(a, false)) {
            o.write(9);
        }
        assertFalse(fs.rename(a, b), "rename never replaces a file, as on HDFS");
        assertEquals(List.of("a.bin", "b.bin"), MemoryFileSystem.names(ROOT + "/d"));
        assertEquals(2, fs.listStatus(new Path(ROOT + "/d")).length);
        assertTrue(fs.rename(new Path(ROOT + "/d"), new Path(ROOT + "/e")), "folders move with their files");
        assertArrayEquals(
                new byte[] {1, 2, 3}, fs.open(new Path(ROOT + "/e/b.bin")).readAllBytes());
        assertThrows(IOException.class, () -> fs.delete(new Path(ROOT + "/e"), false), "not empty");
        assertTrue(fs.delete(new Path(ROOT + "/e"), true));
        assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(new Path(ROOT + "/e/b.bin")));
        assertNull(MemoryFileSystem.buffer(ROOT + "/e/b.bin"));
        assertFalse(fs.delete(new Path(ROOT + "/nothing"), true));
    }

    @Test
    void aFileInTheWayOfAFolderIsRefused() throws IOException {
        MemoryFileSystem.put(ROOT + "/f", ByteBuffer.allocate(1));
        assertThrows(
                FileAlreadyExistsException.class, () -> MemoryFileSystem.put(ROOT + "/f/g", ByteBuffer.allocate(1)));
        assertThrows(FileAlreadyExistsException.class, () -> fs().mkdirs(new Path(ROOT + "/f")));
    }
}
