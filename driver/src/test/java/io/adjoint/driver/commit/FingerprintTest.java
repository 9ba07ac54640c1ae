package io.adjoint.driver.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume fingerprint: equal for the same job whatever the order options came in or where the inputs live;
 * different when the kind, an argument, or an input's bytes change — even with size and modification time kept.
 */
class FingerprintTest {
    final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    @Test
    void coversKindArgumentsAndInputContentNotOrderOrPlace() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Files.write(a, new byte[] {1, 2, 3});
        Files.write(b, new byte[] {4, 5});
        Map<String, String> files = new LinkedHashMap<>();
        files.put("input A", a.toString());
        files.put("input B", b.toString());
        Map<String, String> args = Map.of("x", "1");
        Fingerprint base = Fingerprint.of(conf, "contract", args, files);
        assertTrue(base.hash().matches("[0-9a-f]{16}"), base.hash());
        assertEquals(base, Fingerprint.of(conf, "contract", args, files), "same job, same fingerprint");

        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("input B", b.toString());
        reversed.put("input A", a.toString());
        assertEquals(
                base.hash(), Fingerprint.of(conf, "contract", args, reversed).hash(), "option order");
        Path moved = Files.copy(a, dir.resolve("elsewhere.npy"));
        Map<String, String> elsewhere = new LinkedHashMap<>(files);
        elsewhere.put("input A", moved.toString());
        assertEquals(
                base.hash(), Fingerprint.of(conf, "contract", args, elsewhere).hash(), "same bytes elsewhere");

        assertNotEquals(
                base.hash(), Fingerprint.of(conf, "jacobian", args, files).hash());
        Fingerprint otherArg = Fingerprint.of(conf, "contract", Map.of("x", "2"), files);
        assertNotEquals(base.hash(), otherArg.hash());
        assertEquals("x (was 1)", otherArg.differencesFrom(base.items()));

        // same size, same modification time, other bytes
        FileTime mtime = Files.getLastModifiedTime(b);
        Files.write(b, new byte[] {4, 6});
        Files.setLastModifiedTime(b, mtime);
        Fingerprint changed = Fingerprint.of(conf, "contract", args, files);
        assertNotEquals(base.hash(), changed.hash(), "content");
        assertEquals("input B (content changed)", changed.differencesFrom(base.items()));

        assertNotEquals(Fingerprint.unique().hash(), Fingerprint.unique().hash());
    }
}
