package io.adjoint.driver.storage;

import io.adjoint.core.InvalidInputException;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/** Reading a stored {@code .npy} header on the driver, with errors a user can act on. */
public final class StoredArrays {
    private StoredArrays() {}

    /**
     * Reads and validates the header of {@code uri} (a few hundred bytes).
     *
     * @param label how the file was given, prefixed to every message: {@code "--input X="}, {@code "--adjoint "}
     * @throws InvalidInputException when the file is missing, unreadable or not a valid {@code .npy}
     */
    public static NpyHeader header(String label, String uri, Configuration conf) throws IOException {
        try (ByteSource src = HadoopByteSource.open(uri, conf)) {
            return NpyHeader.read(src);
        } catch (FileNotFoundException e) {
            throw new InvalidInputException(label + uri + ": no such file");
        } catch (InvalidInputException e) {
            throw new InvalidInputException(label + e.getMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(label + uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * {@code uri} qualified on the driver (scheme, authority, absolute path): what executors are given, since a
     * relative path or a bare one on the default file system would mean something else on another machine.
     */
    public static String qualified(String uri, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        return p.getFileSystem(conf).makeQualified(p).toString();
    }
}
