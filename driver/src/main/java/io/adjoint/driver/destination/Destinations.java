package io.adjoint.driver.destination;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.storage.HadoopFiles;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
                throw new InvalidInputException(
                        dest.endsWith(".npy") || dest.endsWith(".npz")
                                ? "--out " + dest + ": a folder is where this result file goes; remove it or write"
                                        + " elsewhere"
                                : "--out " + dest + ": is a folder; give a file name such as G.npy");
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
            if (parent != null && !fs.getFileStatus(parent).isDirectory()) {
                throw new InvalidInputException(option + " " + dir + ": " + parent + " is a file, not a folder");
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
     * Refuses a run that would write over a file it reads: {@code writes} are the files (or folders, with everything
     * in them) the run writes, {@code inputs} the files it reads. Paths are compared qualified and, on the local file
     * system, with symbolic links resolved.
     *
     * @param option how the destination was given ("--out D")
     * @throws InvalidInputException naming the input and the option
     */
    public static void refuseOverwritingInputs(
            String option, List<Path> writes, Collection<String> inputs, Configuration conf) throws IOException {
        for (String input : inputs) {
            String in = canonical(new Path(input), conf);
            for (Path w : writes) {
                String out = canonical(w, conf);
                if (in.equals(out) || in.startsWith(out + "/")) {
                    throw new InvalidInputException(option + ": would write over the input " + input + " ("
                            + new Path(out).getName() + "); give another destination");
                }
            }
        }
    }

    private static String canonical(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        if (!"file".equals(q.toUri().getScheme())) {
            return q.toString();
        }
        java.nio.file.Path local = java.nio.file.Paths.get(q.toUri());
        java.nio.file.Path tail = null;
        // resolve links on the longest existing prefix; names below it cannot be links yet
        while (local != null && !java.nio.file.Files.exists(local)) {
            tail = tail == null ? local.getFileName() : local.getFileName().resolve(tail);
            local = local.getParent();
        }
        if (local == null) {
            return q.toString();
        }
        java.nio.file.Path real = local.toRealPath();
        return (tail == null ? real : real.resolve(tail)).toString();
    }

    /**
     * Refuses a result larger than the free space the file system reports where it goes (exit 2 naming both), so
     * a job that cannot finish does not start. File systems that report no figure are not checked.
     *
     * @param what how the destination was given ("--out D")
     * @param place the destination, or a path inside it; its nearest existing ancestor is asked
     */
    public static void checkSpace(String what, Path place, long bytes, Configuration conf) throws IOException {
        FileSystem fs = place.getFileSystem(conf);
        Path p = fs.makeQualified(place);
        while (p != null && !fs.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        long free = fs.getStatus(p).getRemaining();
        if (free > 0 && bytes > free) {
            throw new InvalidInputException(what + ": the result needs " + humanBytes(bytes)
                    + ", and the file system there" + " has " + humanBytes(free) + " free");
        }
    }

    /** A byte count as people read it: 812 bytes, 1.5 KiB, 7.3 TiB. */
    public static String humanBytes(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /**
     * The user's error hidden in a failure to write at {@code what}: no permission (a local {@code EACCES}, HDFS's
     * {@code AccessControlException}), a read-only file system, an immutable file or folder ({@code EPERM}), no space
     * left; null for any other failure (the storage failing: an internal error).
     */
    public static InvalidInputException unwritable(String what, IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            String why = c instanceof java.nio.file.AccessDeniedException
                            || c.getClass().getName().endsWith("AccessControlException")
                            || m.contains("Permission denied")
                    ? "permission denied"
                    : m.contains("Operation not permitted")
                            ? "operation not permitted (immutable, or not this user's)"
                            : m.contains("Read-only file system")
                                    ? "read-only file system"
                                    : m.contains("No space left on device") || m.contains("Disk quota exceeded")
                                            ? "no space left on its file system; free some and run again"
                                            : null;
            if (why != null) {
                String where =
                        c instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() : null;
                return new InvalidInputException(
                        what + ": cannot write there: " + why + (where != null ? " (" + where + ")" : ""));
            }
        }
        return null;
    }

    /** The marker a run holds in a results folder it writes to ({@link DestinationLock}). */
    public static final String FOLDER_LOCK = ".adjoint-lock";

    /** The marker a run holds beside a result file {@code dest} it writes. */
    public static Path fileLock(Path dest) {
        return new Path(dest.getParent(), "." + dest.getName() + ".adjoint-lock");
    }

    /** A destination claimed by one run for the duration of a job: released after success, discarded after failure. */
    public interface Claim extends AutoCloseable {
        /** The destination: the folder, or the result file. */
        Path path();

        /** After success: gives up the claim. */
        @Override
        void close();

        /** After a failure (the job has removed its own files): gives up the claim and what it created; never throws. */
        void discard();
    }

    /**
     * Claims the result file {@code dest} (qualified) for this run, as option {@code option}: a marker beside it,
     * created atomically; a second run on the same file is refused. The job's own commit protocol removes its
     * temporaries; the claim holds only the marker.
     */
    public static Claim claimFile(String option, String dest, Configuration conf) throws IOException {
        Path p = new Path(dest);
        Path q = p.getFileSystem(conf).makeQualified(p);
        return new FileClaim(q, DestinationLock.acquire(option + " " + dest, fileLock(q), conf));
    }

    /** The claim of a result file: only its marker, released the same way after success or failure. */
    private record FileClaim(Path path, DestinationLock lock) implements Claim {
        @Override
        public void close() {
            lock.close();
        }

        @Override
        public void discard() {
            close();
        }
    }

    /**
     * A results folder that one run owns for the duration of a job: created when absent, claimed with a
     * {@link DestinationLock} (a second run on it is refused), and after a failure removed again only if this run
     * created it and nothing else is in it — never a folder another run or the user wrote into.
     */
    public static final class Folder implements Claim {
        private final Path path;
        private final FileSystem fs;
        private final boolean created;
        private final DestinationLock lock;

        private Folder(Path path, FileSystem fs, boolean created, DestinationLock lock) {
            this.path = path;
            this.fs = fs;
            this.created = created;
            this.lock = lock;
        }

        /**
         * Creates {@code dir} when absent and claims it.
         *
         * @param option how the folder was given ("--out", "--report")
         * @throws InvalidInputException when another run holds it
         */
        public static Folder open(String option, String dir, Configuration conf) throws IOException {
            Path p = new Path(dir);
            FileSystem fs = HadoopFiles.fileSystem(p, conf);
            boolean created = false;
            if (!fs.exists(p)) {
                if (!HadoopFiles.mkdirs(fs, p)) {
                    throw new IOException("could not create " + dir);
                }
                created = true;
            }
            try {
                return new Folder(
                        p, fs, created, DestinationLock.acquire(option + " " + dir, new Path(p, FOLDER_LOCK), conf));
            } catch (IOException | RuntimeException e) {
                if (created) {
                    removeIfEmpty(fs, p);
                }
                throw e;
            }
        }

        @Override
        public Path path() {
            return path;
        }

        /** After success: gives up the claim. */
        @Override
        public void close() {
            lock.close();
        }

        /**
         * After a failure (the job has removed its own files): gives up the claim and removes the folder if this run
         * created it and it is empty; never throws.
         */
        @Override
        public void discard() {
            lock.close();
            if (created) {
                removeIfEmpty(fs, path);
            }
        }

        private static void removeIfEmpty(FileSystem fs, Path p) {
            try {
                if (fs.exists(p) && fs.listStatus(p).length == 0) {
                    fs.delete(p, false);
                }
            } catch (IOException e) {
                System.err.println("adjoint: warning: could not remove " + p + ": " + e.getMessage());
            }
        }
    }
}
