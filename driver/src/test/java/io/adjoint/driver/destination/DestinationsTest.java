package io.adjoint.driver.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** Which failures to write at a destination are the user's to fix (exit 2) and which the storage's (exit 3). */
class DestinationsTest {
    private static String said(IOException e) {
        return Destinations.unwritable("--out D", e).getMessage();
    }

    @Test
    void theUsersToFix() {
        assertEquals("--out D: cannot write there: permission denied (/d/x)", said(new AccessDeniedException("/d/x")));
        assertEquals(
                "--out D: cannot write there: operation not permitted (immutable, or not this user's) (/d/x)",
                said(new FileSystemException("/d/x", null, "Operation not permitted")));
        assertEquals(
                "--out D: cannot write there: read-only file system (/d)",
                said(new FileSystemException("/d", null, "Read-only file system")));
        // wrapped, as DestinationLock reports a marker it could not write
        assertEquals(
                "--out D: cannot write there: no space left on its file system; free some and run again",
                said(new IOException("could not write the claim marker", new IOException("No space left on device"))));
        // HDFS's refusal, by its class name (org.apache.hadoop.security.AccessControlException)
        assertEquals(
                "--out D: cannot write there: permission denied",
                said(new org.apache.hadoop.security.AccessControlException("user=u, access=WRITE, inode=/d")));
    }

    @Test
    void theStoragesFailure() {
        assertNull(Destinations.unwritable("--out D", new IOException("Connection reset by peer")));
        assertNull(Destinations.unwritable("--out D", new FileSystemException("/d", null, "Input/output error")));
    }
}
