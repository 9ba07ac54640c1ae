package io.adjoint.driver.destination;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.storage.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * One run's exclusive claim on a destination: a marker file created with create-if-absent in one atomic step, holding the owner's process id, host and start time. A second run on the same destination is
 * refused (exit 2) while the owner lives; a marker left by a process that is gone (kill -9, a crash) on this host is
 * stale and taken over — renamed aside first, so of two runs taking over at once only one succeeds. A marker from
 * another host cannot be checked, so the message says how to remove it. {@link #close} removes the marker if it is
 * still this run's.
 *
 * <p>Atomic on HDFS (its create without overwrite) and on the local file system, where {@link HadoopFiles#create}
 * creates with {@code O_CREAT|O_EXCL}: Hadoop's own local create checks for the file and then creates it, so two
 * runs starting together could both "win" (a test raced eight claimants to two winners in its first round).
 */
public final class DestinationLock implements AutoCloseable {
    private final FileSystem fs;
    private final Path marker;
    private final String content;

    private DestinationLock(FileSystem fs, Path marker, String content) {
        this.fs = fs;
        this.marker = marker;
        this.content = content;
    }

    /** The marker's path. */
    public Path marker() {
        return marker;
    }

    /**
     * Claims {@code marker} for this run.
     *
     * @param what how the destination was given, for messages ({@code "--out D"})
     * @throws InvalidInputException when another live run holds it
     */
    public static DestinationLock acquire(String what, Path marker, Configuration conf) throws IOException {
        return acquire(what, marker, HadoopFiles.fileSystem(marker, conf));
    }

    /** {@link #acquire(String, Path, Configuration)} on the file system {@code fs}. */
    static DestinationLock acquire(String what, Path marker, FileSystem fs) throws IOException {
        if (isFolder(fs, marker)) {
            throw new InvalidInputException(what + ": " + marker.toUri().getPath()
                    + " is a folder where this run's claim marker goes; remove it");
        }
        ProcessHandle self = ProcessHandle.current();
        String content = self.pid() + " " + host() + " "
                + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + " " + UUID.randomUUID();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (tryCreate(fs, marker, content)) {
                return new DestinationLock(fs, marker, content);
            }
            String other = read(fs, marker);
            if (other == null) {
                continue; // released meanwhile
            }
            Owner o = Owner.parse(other);
            if ((o != null && o.host.equals(host()) && !o.alive()) || abandoned(fs, marker, other)) {
                takeOver(fs, marker, other);
                continue;
            }
            String who = o == null
                    ? "another run"
                    : "another run (process " + o.pid + " on " + o.host + ", started " + Instant.ofEpochMilli(o.start)
                            + ")";
            throw new InvalidInputException(what + ": " + who + " is writing to it; wait for it to finish"
                    + (o != null && o.host.equals(host())
                            ? ""
                            : ", or if it is gone, remove " + marker.toUri().getPath()));
        }
        throw new InvalidInputException(what + ": other runs keep claiming it (" + marker + "); try again");
    }

    private static boolean tryCreate(FileSystem fs, Path marker, String content) throws IOException {
        OutputStream out;
        try {
            out = HadoopFiles.create(fs, marker, false);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(marker)) {
                return false; // file systems that report an existing file with a plain IOException
            }
            throw e;
        }
        // the marker is this run's now: if its content cannot be written (a full disk), remove it again and say why,
        // or the empty marker would refuse every later run as "another run is writing to it"
        try (OutputStream o = out) {
            o.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            try {
                fs.delete(marker, false);
            } catch (IOException ignored) {
                // reported below; an empty marker left behind is taken over as abandoned
            }
            throw new IOException("could not write the claim marker " + marker + ": " + e.getMessage(), e);
        }
        return true;
    }

    private static boolean isFolder(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** How long an empty marker may be another run's claim in progress (it writes its content right away). */
    static final long ABANDONED_MILLIS = 10_000;

    /**
     * An empty marker older than {@link #ABANDONED_MILLIS}: a claim whose content was never written (a run that died,
     * or a disk that was full, between creating and writing it), holding no run's identity.
     */
    private static boolean abandoned(FileSystem fs, Path marker, String content) throws IOException {
        if (!content.isBlank()) {
            return false;
        }
        try {
            return System.currentTimeMillis() - fs.getFileStatus(marker).getModificationTime() > ABANDONED_MILLIS;
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** Moves a stale marker aside, and removes it if it still is the one judged stale. */
    private static void takeOver(FileSystem fs, Path marker, String stale) throws IOException {
        Path aside = new Path(marker.getParent(), marker.getName() + "-stale-" + UUID.randomUUID());
        if (!fs.rename(marker, aside)) {
            return; // someone else moved it first
        }
        String moved = read(fs, aside);
        if (!stale.equals(moved) && fs.rename(aside, marker)) {
            return; // a fresh marker was moved by mistake: it is back
        }
        fs.delete(aside, false);
    }

    private static String read(FileSystem fs, Path p) throws IOException {
        if (fs instanceof RawLocalFileSystem raw) { // not Hadoop's stream: its first open parses Hadoop's config XML
            try {
                return Files.readString(raw.pathToFile(p).toPath(), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Removes the marker if it is still this run's; never throws. */
    @Override
    public void close() {
        try {
            if (content.equals(read(fs, marker))) {
                fs.delete(marker, false);
            }
        } catch (IOException e) {
            System.err.println("adjoint: warning: could not remove " + marker + ": " + e.getMessage());
        }
    }

    /** Who wrote a marker. */
    private record Owner(long pid, String host, long start) {
        static Owner parse(String s) {
            String[] f = s.trim().split(" ", -1);
            try {
                return f.length >= 3 ? new Owner(Long.parseLong(f[0]), f[1], Long.parseLong(f[2])) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        boolean alive() {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            return p.isPresent()
                    && p.get().isAlive()
                    && (start == 0
                            || p.get()
                                            .info()
                                            .startInstant()
                                            .map(Instant::toEpochMilli)
                                            .orElse(start)
                                    == start);
        }
    }
}
