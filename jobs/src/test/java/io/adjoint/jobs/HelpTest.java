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

    @org.junit.jupiter.api.Test
    void anUnknownCommandIsNamedWithTheNearestOne() {
        String[][] cases = {
            {"jacobain --expr X", "unknown command 'jacobain' (did you mean jacobian?); commands: jacobian, gradcheck,"
            },
            {"Contract", "unknown command 'Contract' (did you mean contract?)"},
            {"vpj", "unknown command 'vpj' (did you mean vjp?)"},
            {
                "frobnicate",
                "unknown command 'frobnicate'; commands: jacobian, gradcheck, contract, vjp, jvp, grad, hessian, hvp, bench, help"
            }
        };
        for (String[] c : cases) {
            CliRunner r = CliRunner.run(c[0].split(" "));
            assertEquals(2, r.code, r.err);
            assertTrue(r.err.startsWith("adjoint: " + c[1]), c[0] + ": " + r.err);
            assertEquals(1, r.err.strip().lines().count(), "one line: " + r.err);
            assertEquals("", r.out);
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownOptionKeepsItsOwnMessage() {
        CliRunner r = CliRunner.run("jacobian", "--exprr", "X");
        assertEquals(2, r.code);
        assertTrue(r.err.startsWith("adjoint jacobian: ") && !r.err.contains("unknown command"), r.err);
    }
}
