package io.adjoint.driver.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Creating files and folders through Hadoop's FileSystem API, with the local disk done directly through
 * {@code java.nio}. Hadoop's local file system sets the permissions of every file and folder it creates by running a
 * {@code chmod} process (≈ 15–30 ms each here, more than a small job's whole sweep) and checks for a file before
 * creating it, so its create-if-absent is not atomic; {@code java.nio} creates with the process's umask, in one
 * system call ({@code O_CREAT|O_EXCL} for create-if-absent). Other file systems (HDFS, object stores) go through
 * Hadoop unchanged.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /** The FileSystem of {@code p}; for the local one its raw form, so no {@code .crc} side files appear. */
    public static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checksummed) {
            return checksummed.getRawFileSystem();
        }
        return fs;
    }

    /**
     * Opens {@code p} for writing, creating missing parent folders. Without {@code overwrite} an existing file is
     * refused atomically: {@link FileAlreadyExistsException} (on HDFS and the local disk; other file systems may
     * report it as another IOException).
     */
    public static OutputStream create(FileSystem fs, Path p, boolean overwrite) throws IOException {
        if (!(fs instanceof RawLocalFileSystem raw)) {
            return fs.create(p, overwrite);
        }
        java.nio.file.Path f = raw.pathToFile(p).toPath();
        if (f.getParent() != null) {
            Files.createDirectories(f.getParent());
        }
        try {
            return new BufferedOutputStream(
                    overwrite
                            ? Files.newOutputStream(f)
                            : Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    1 << 16);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(p + " already exists");
        }
    }

    /** What writes a file's bytes, for {@link #writeAtomically}. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code p} whole or not at all: into a temporary beside it (removed again if writing fails), then renamed
     * over any file already there. For small results written by the driver (reports, gradients).
     */
    public static void writeAtomically(FileSystem fs, Path p, Contents contents) throws IOException {
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        try (OutputStream out = create(fs, tmp, true)) {
            contents.writeTo(out);
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);
            throw e;
        }
        if (fs.exists(p)) {
            fs.delete(p, false);
        }
        if (!fs.rename(tmp, p)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + p);
        }
    }

    /** Creates the folder {@code p} and its missing parents; true if it exists as a folder afterwards. */
    public static boolean mkdirs(FileSystem fs, Path p) throws IOException {
        if (!(fs instanceof RawLocalFileSystem raw)) {
            return fs.mkdirs(p);
        }
        java.nio.file.Path d = raw.pathToFile(p).toPath();
        try {
            Files.createDirectories(d);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false; // a file is in the way
        }
        return Files.isDirectory(d);
    }
}
