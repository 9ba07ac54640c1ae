package io.adjoint.driver.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume fingerprint: equal for the same job, different when the kind, an argument or an input file changes. */
class FingerprintTest {
    final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    @Test
    void changesWithKindArgumentsAndEachInputsSizeOrTime() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Files.write(a, new byte[] {1, 2, 3});
        Files.write(b, new byte[] {4});
        List<String> files = List.of(a.toString(), b.toString());
        Fingerprint base = Fingerprint.of(conf, "contract", List.of("x 1"), files);
        assertEquals(16, base.hash().length());
        assertTrue(base.hash().matches("[0-9a-f]{16}"), base.hash());
        assertEquals(base, Fingerprint.of(conf, "contract", List.of("x 1"), files), "same job, same fingerprint");
        assertTrue(base.description().startsWith("contract x 1, " + a + " (3 bytes, modified "), base.description());

        assertNotEquals(
                base.hash(),
                Fingerprint.of(conf, "jacobian", List.of("x 1"), files).hash());
        assertNotEquals(
                base.hash(),
                Fingerprint.of(conf, "contract", List.of("x 2"), files).hash());
        assertNotEquals(
                base.hash(),
                Fingerprint.of(conf, "contract", List.of("x 1"), List.of(b.toString(), a.toString()))
                        .hash(),
                "input order matters: pairs and names are positional");

        Files.setLastModifiedTime(
                b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() - 5000));
        assertNotEquals(
                base.hash(),
                Fingerprint.of(conf, "contract", List.of("x 1"), files).hash(),
                "mtime");
        Fingerprint touched = Fingerprint.of(conf, "contract", List.of("x 1"), files);
        FileTime mtime = Files.getLastModifiedTime(b);
        Files.write(b, new byte[] {4, 5});
        Files.setLastModifiedTime(b, mtime);
        assertNotEquals(
                touched.hash(),
                Fingerprint.of(conf, "contract", List.of("x 1"), files).hash(),
                "size");

        assertNotEquals(Fingerprint.unique().hash(), Fingerprint.unique().hash());
    }
}
