package io.adjoint.driver.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The cost model's choice for a few (sizes, budget) pairs, and the costs it logs. */
class ContractPlanTest {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    /** (p·q, n·m, k·l) = (4096, 16384, 16384): A 512 MiB, J 2 GiB, G 512 MiB. */
    static ContractPlan.Sizes big(long broadcastTasks, long streamedTasks, long executors) {
        return new ContractPlan.Sizes(
                new ContractPlan.Sizes.Bytes(512 * MIB, 2 * GIB, 2 * GIB, 512 * MIB),
                new ContractPlan.Sizes.Dims(4096, 16384, 16384),
                new ContractPlan.Sizes.Tasks(broadcastTasks, streamedTasks, executors));
    }

    @Test
    void overTheBudgetStreams() {
        ContractPlan.Decision d = ContractPlan.choose(
                ContractPlan.Choice.AUTO, big(0, 2, 0), "long advice", "J 2.00 GiB over the budget of 1.00 GiB");
        assertEquals(ContractPlan.Kind.STREAMED, d.kind());
        assertTrue(
                d.reason()
                        .contains(
                                "broadcast moves 3.00 GiB (J × 1 + A + G), but is not possible: J 2.00 GiB over the budget of 1.00 GiB;"),
                d.reason());
        assertTrue(
                d.reason().contains("streamed moves 5.00 GiB (2.00 GiB of J per task × 2 tasks + A + G)"), d.reason());
        // BlockMatrix: A × 16 column blocks + J × 4 row blocks + G × 16 + G = 8 + 8 + 8 + 0.5 GiB
        assertTrue(d.reason().contains("would move ≈ 24.50 GiB"), d.reason());
    }

    @Test
    void withinTheBudgetLocallyBroadcasts() {
        assertEquals(
                ContractPlan.Kind.BROADCAST,
                ContractPlan.choose(ContractPlan.Choice.AUTO, big(8, 2, 0), null, null)
                        .kind());
    }

    @Test
    void manyExecutorsAndFewBlocksStream() {
        // 10 executors would each receive J; 4 tasks read it 4 times: streaming moves less
        assertEquals(
                ContractPlan.Kind.STREAMED,
                ContractPlan.choose(ContractPlan.Choice.AUTO, big(40, 4, 10), null, null)
                        .kind());
        // 2 executors, 8 streamed tasks: the broadcast moves less
        assertEquals(
                ContractPlan.Kind.BROADCAST,
                ContractPlan.choose(ContractPlan.Choice.AUTO, big(16, 8, 2), null, null)
                        .kind());
    }

    @Test
    void theUsersChoiceWinsAndAnImpossibleBroadcastIsRefused() {
        assertEquals(
                ContractPlan.Kind.STREAMED,
                ContractPlan.choose(ContractPlan.Choice.STREAMED, big(8, 2, 0), null, null)
                        .kind());
        assertEquals(
                ContractPlan.Kind.BROADCAST,
                ContractPlan.choose(ContractPlan.Choice.BROADCAST, big(40, 4, 10), null, null)
                        .kind());
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> ContractPlan.choose(ContractPlan.Choice.BROADCAST, big(0, 2, 0), "too big", "big"));
        assertEquals("--plan broadcast: too big", e.getMessage());
    }

    /** A Fortran-order J is read whole once per panel: 32 panels of 64 MiB make streaming cost 32× more. */
    @Test
    void aFortranOrderJacobianMakesStreamingDearer() {
        ContractPlan.Sizes fortran = new ContractPlan.Sizes(
                new ContractPlan.Sizes.Bytes(512 * MIB, 2 * GIB, 64 * GIB, 512 * MIB),
                new ContractPlan.Sizes.Dims(4096, 16384, 16384),
                new ContractPlan.Sizes.Tasks(16, 2, 10));
        // C order: 2 tasks read J once each (5 GiB) vs 10 executors receiving it (23 GiB): stream
        assertEquals(
                ContractPlan.Kind.STREAMED,
                ContractPlan.choose(ContractPlan.Choice.AUTO, big(16, 2, 10), null, null)
                        .kind());
        // Fortran order: 2 × 64 GiB: the broadcast moves less
        ContractPlan.Decision d = ContractPlan.choose(ContractPlan.Choice.AUTO, fortran, null, null);
        assertEquals(ContractPlan.Kind.BROADCAST, d.kind());
        assertTrue(d.reason().contains("(64.00 GiB of J per task × 2 tasks + A + G)"), d.reason());
    }
}
