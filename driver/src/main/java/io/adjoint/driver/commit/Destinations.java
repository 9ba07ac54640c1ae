package io.adjoint.driver.commit;

import io.adjoint.core.InvalidInputException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The checks a destination passes before any work starts: a result file, or a folder of results. */
public final class Destinations {
    private Destinations() {}

    /**
     * Checks that a result file {@code dest} can be written: its folder exists, it is not a folder, and it does
     * not exist unless {@code overwrite}. Returns the qualified path.
     *
     * @throws InvalidInputException naming {@code --out} and what is wrong
     */
    public static Path checkFile(String dest, boolean overwrite, Configuration conf) throws IOException {
        Path p = new Path(dest);
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        Path parent = q.getParent();
        if (parent == null || !fs.exists(parent)) {
            throw new InvalidInputException("--out " + dest + ": folder " + parent + " does not exist");
        }
        if (!fs.getFileStatus(parent).isDirectory()) {
            throw new InvalidInputException("--out " + dest + ": " + parent + " is not a folder");
        }
        if (fs.exists(q)) {
            if (fs.getFileStatus(q).isDirectory()) {
                throw new InvalidInputException("--out " + dest + ": is a folder; give a file name such as G.npy");
            }
            if (!overwrite) {
                throw new InvalidInputException("--out " + dest + ": already exists (pass --overwrite to replace it)");
            }
        }
        return q;
    }

    /**
     * Checks a results folder {@code dir} given as option {@code option}: an absent one will be created (its
     * parent must exist); an empty one is used; a non-empty one needs {@code overwrite}. Temporaries of our own
     * earlier runs do not count as content.
     *
     * @param what what the folder's files are, for the message ("the Jacobians", "the report")
     */
    public static void checkFolder(String option, String dir, boolean overwrite, String what, Configuration conf)
            throws IOException {
        if (dir == null || dir.isEmpty()) {
            throw new InvalidInputException(option + " is required");
        }
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            Path parent = fs.makeQualified(p).getParent();
            if (parent != null && !fs.exists(parent)) {
                throw new InvalidInputException(
                        option + " " + dir + ": its parent folder " + parent + " does not exist");
            }
            return;
        }
        FileStatus st = fs.getFileStatus(p);
        if (!st.isDirectory()) {
            throw new InvalidInputException(option + " " + dir + ": is a file; give a folder");
        }
        long entries = Arrays.stream(fs.listStatus(p))
                .filter(e -> !(e.getPath().getName().startsWith(".")
                        && e.getPath().getName().contains(".adjoint-")))
                .count();
        if (entries > 0 && !overwrite) {
            throw new InvalidInputException(
                    option + " " + dir + ": folder is not empty (pass --overwrite to replace " + what + " in it)");
        }
    }

    /**
     * A results folder that exists for the duration of a job: created when absent, and removed again by
     * {@link #discard} only if this job created it.
     */
    public static final class Folder {
        private final Path path;
        private final FileSystem fs;
        private final boolean created;

        private Folder(Path path, FileSystem fs, boolean created) {
            this.path = path;
            this.fs = fs;
            this.created = created;
        }

        /** Creates {@code dir} when absent. */
        public static Folder open(String dir, Configuration conf) throws IOException {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(conf);
            if (fs.exists(p)) {
                return new Folder(p, fs, false);
            }
            if (!fs.mkdirs(p)) {
                throw new IOException("could not create " + dir);
            }
            return new Folder(p, fs, true);
        }

        public Path path() {
            return path;
        }

        /** After a failure: removes the folder if this job created it; never throws. */
        public void discard() {
            if (!created) {
                return;
            }
            try {
                fs.delete(path, true);
            } catch (IOException e) {
                System.err.println("adjoint: warning: could not remove " + path + ": " + e.getMessage());
            }
        }
    }
}
