package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a job says on stderr at each level: one line by default, the planner's reasoning with --verbose. */
class StderrLogTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private StderrLog log(boolean verbose, boolean terminal) {
        return new StderrLog(new PrintWriter(text), verbose, terminal, now::get);
    }

    private void seconds(double s) {
        now.addAndGet((long) (s * 1e9));
    }

    @Test
    void aSmallJobSaysOneLine() {
        StderrLog l = log(false, false);
        l.detail("jacobian: rows per task B=15");
        l.progress("jacobian: 1/1 blocks (100%)");
        l.accept("jacobian: warning: input b is not used");
        l.accept("jacobian: wrote jac/X.npy in 0.06 s");
        l.close();
        assertEquals("jacobian: warning: input b is not used\njacobian: wrote jac/X.npy in 0.06 s\n", text.toString());
    }

    @Test
    void progressAfterThreeSecondsAtMostEveryFive() {
        StderrLog l = log(false, false);
        seconds(2.9);
        l.progress("p1"); // too soon: a job this short needs no progress
        seconds(0.2);
        l.progress("p2");
        seconds(4.9);
        l.progress("p3"); // within 5 s of p2
        seconds(0.2);
        l.progress("p4");
        l.accept("done");
        assertEquals("p2\np4\ndone\n", text.toString());
    }

    @Test
    void inATerminalProgressIsOneLineRewrittenThenErased() {
        StderrLog l = log(false, true);
        seconds(3);
        l.progress("p1");
        seconds(5);
        l.progress("p2");
        l.accept("done");
        seconds(5);
        l.progress("p3");
        l.close();
        assertEquals("\rp1\033[K\rp2\033[K\r\033[Kdone\n\rp3\033[K\r\033[K", text.toString());
    }

    @Test
    void verboseSaysEverything() {
        StderrLog l = log(true, true);
        l.detail("plan");
        l.progress("1/2 blocks (50%)");
        l.progress("2/2 blocks (100%)");
        l.accept("done");
        assertEquals("plan\n1/2 blocks (50%)\n2/2 blocks (100%)\ndone\n", text.toString());
    }
}
