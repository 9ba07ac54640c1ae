package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelpTest {
    @ParameterizedTest
    @CsvSource({
        "'--help', 'Usage: adjoint'",
        "'contract --help', '--rows-per-task'",
        "'bench --help', 'contract'",
        "'bench contract --help', '--reps'",
        "'contract --help', 'tensordot'"
    })
    void everyCommandHasHelp(String args, String expected) {
        CliRunner r = CliRunner.run(args.split(" "));
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains(expected), r.out);
    }

    @org.junit.jupiter.api.Test
    void noCommandIsAUsageError() {
        CliRunner r = CliRunner.run();
        assertEquals(2, r.code);
        assertTrue(r.err.contains("missing command"), r.err);
    }
}
