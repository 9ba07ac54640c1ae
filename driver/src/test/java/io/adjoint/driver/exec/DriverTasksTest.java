package io.adjoint.driver.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Where small jobs run ({@link Placement#decide}) and how driver threads run tasks ({@link DriverThreads#map}). */
class DriverTasksTest {
    @Test
    void smallWorkOnALocalMasterRunsOnDriverThreads() {
        Placement p = Placement.decide(true, "auto", 4.0, 2, false, 7.9e9);
        assertTrue(p.inDriver());
        assertEquals(2, p.threads());
        assertTrue(p.reason().contains("~7.90 GFLOP") && p.reason().contains("limit 8.0 GFLOP"), p.reason());
        assertFalse(Placement.decide(true, "auto", 4.0, 2, false, 8.1e9).inDriver(), "over the limit: Spark");
        assertFalse(Placement.decide(true, "auto", 4.0, 2, false, Double.POSITIVE_INFINITY)
                .inDriver());
        assertFalse(Placement.decide(true, "auto", 4.0, 2, false, Double.NaN).inDriver(), "unknown work: Spark");
        assertTrue(Placement.decide(true, "auto", 0, 2, false, 0).inDriver(), "limit 0 still takes no work");
        assertFalse(Placement.decide(true, "auto", 0, 2, false, 1).inDriver(), "limit 0: any work goes to Spark");
    }

    @Test
    void clusterMastersHooksAndNeverUseSpark() {
        assertFalse(Placement.decide(false, "auto", 4.0, 8, false, 1).inDriver(), "a cluster master");
        assertFalse(Placement.decide(false, "always", 4.0, 8, false, 1).inDriver(), "always, but a cluster master");
        assertFalse(Placement.decide(true, "auto", 4.0, 2, true, 1).inDriver(), "a fault hook needs task attempts");
        assertFalse(Placement.decide(true, "NEVER", 4.0, 2, false, 1).inDriver());
        Placement always = Placement.decide(true, "always", 4.0, 3, false, 1e15);
        assertEquals(3, always.threads());
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> Placement.decide(true, "sometimes", 4.0, 2, false, 1));
        assertTrue(e.getMessage().contains("spark.adjoint.driverTasks=sometimes"), e.getMessage());
    }

    @Test
    void resultsComeInTheOrderOfTheItemsAndEveryItemRunsOnce() throws IOException {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            items.add(i);
        }
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        List<Integer> out = DriverThreads.map(
                items,
                3,
                i -> {
                    threads.add(Thread.currentThread().getName());
                    return i * i;
                },
                done::add);
        for (int i = 0; i < 37; i++) {
            assertEquals(i * i, out.get(i));
        }
        assertEquals(37, done.size());
        assertEquals(37, done.stream().distinct().count());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("adjoint-driver-task-")), threads.toString());
    }

    @Test
    void theFirstFailureIsRethrownAfterTheRunningTasksEndedAndNoOtherStarts() throws Exception {
        IOException boom = new IOException("block 0 failed");
        AtomicBoolean slowFinished = new AtomicBoolean();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch slowRunning = new CountDownLatch(1);
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5);
        IOException thrown = assertThrows(
                IOException.class,
                () -> DriverThreads.map(
                        items,
                        2,
                        i -> {
                            started.incrementAndGet();
                            if (i == 1) { // runs beside the failing one, and is still running when it fails
                                slowRunning.countDown();
                                sleep(300);
                                slowFinished.set(true);
                                return i;
                            }
                            if (i == 0) {
                                await(slowRunning);
                                throw boom;
                            }
                            return i;
                        },
                        null));
        assertSame(boom, thrown, "rethrown as thrown");
        assertTrue(slowFinished.get(), "map returned only after the running task ended");
        assertEquals(2, started.get(), "after the failure no queued item starts");
    }

    @Test
    void uncheckedFailuresKeepTheirType() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DriverThreads.map(
                        List.of(1, 2),
                        2,
                        i -> {
                            throw new IllegalArgumentException("bad " + i);
                        },
                        null));
        assertTrue(e.getMessage().startsWith("bad "), e.getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
