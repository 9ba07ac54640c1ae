package io.adjoint.driver.contract;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.plan.BlockPlanner;
import java.util.Locale;

/**
 * How {@code contract} runs G = Σ_t A_t·J_t ((P×N_t)(N_t×K)), chosen by bytes moved — in the spirit of SystemDS's
 * choice between broadcast (MAPMM) and shuffle-based (CPMM/RMM) matrix multiplication.
 *
 * <ul>
 *   <li><b>broadcast</b>: the driver reads every J_t and broadcasts it; each task reads its rows of A and writes its
 *   rows of G. Moves |J|·(1 + E) + |A| + |G| bytes (E executors each receive J once; E = 0 in local mode, where the
 *   broadcast is shared in the driver's heap). Possible only while J fits the broadcast budget and twice the
 *   driver heap (the matrices and their serialized broadcast).</li>
 *   <li><b>streamed</b>: nothing is broadcast; each of the R row-block tasks streams every J_t from storage in
 *   contiguous row panels ({@link io.adjoint.core.contract.StreamedContraction}). Moves R·|J| + |A| + |G| bytes;
 *   needs no driver memory, any J size.</li>
 *   <li><b>shuffle</b> (MLlib's {@code BlockMatrix.multiply}, square blocks of b = 1024): replicates each A block to
 *   every column block of J and each J block to every row block of A, then shuffles the partial products:
 *   ≈ |A|·⌈K/b⌉ + |J|·⌈P/b⌉ + |G|·⌈N/b⌉ + |G|. Not run here; its estimate is logged beside the other two for
 *   comparison (the streamed plan reads J as often as it has row blocks, and never shuffles a partial product).</li>
 * </ul>
 * {@code auto} takes the possible plan that moves fewer bytes.
 */
public final class ContractPlan {
    private ContractPlan() {}

    /** The user's choice ({@code --plan}). */
    public enum Choice {
        AUTO,
        BROADCAST,
        STREAMED
    }

    /** The two plans this job runs. */
    public enum Kind {
        BROADCAST,
        STREAMED
    }

    /** MLlib BlockMatrix's default block size, for the shuffle estimate. */
    static final long SHUFFLE_BLOCK = 1024;

    /**
     * The sizes the model needs: bytes of A (Σ_t), J (Σ_t) and G as float64; the bytes of J one streamed task reads
     * (the files as stored, once each in C order, once per panel in Fortran order); P, max N_t, K; the broadcast
     * plan's and the streamed plan's number of row-block tasks; executors (0 in local mode).
     */
    public record Sizes(Bytes bytes, Dims dims, Tasks tasks) {
        /** Bytes of A (Σ_t), J (Σ_t), J as one streamed task reads it, and G. */
        public record Bytes(long a, long j, long jStream, long g) {}

        /** P (rows of A and G), max N_t (rows of J), K (columns of J and G). */
        public record Dims(long p, long n, long k) {}

        /** Row-block tasks of the broadcast plan and of the streamed plan; executors (0 in local mode). */
        public record Tasks(long broadcast, long streamed, long executors) {}

        long aBytes() {
            return bytes.a();
        }

        long jBytes() {
            return bytes.j();
        }

        long jStreamBytes() {
            return bytes.jStream();
        }

        long gBytes() {
            return bytes.g();
        }

        long executors() {
            return tasks.executors();
        }

        long streamedTasks() {
            return tasks.streamed();
        }

        long broadcastMoves() {
            return jBytes() * (1 + executors()) + aBytes() + gBytes();
        }

        long streamedMoves() {
            return streamedTasks() * jStreamBytes() + aBytes() + gBytes();
        }

        long shuffleMoves() {
            return aBytes() * ceil(dims.k(), SHUFFLE_BLOCK)
                    + jBytes() * ceil(dims.p(), SHUFFLE_BLOCK)
                    + gBytes() * ceil(dims.n(), SHUFFLE_BLOCK)
                    + gBytes();
        }
    }

    /** The plan and the log line that says why, with every cost. */
    public record Decision(Kind kind, String reason) {}

    /**
     * Chooses the plan.
     *
     * @param broadcastRefusal why the broadcast plan is impossible (over the budget, the driver heap or the array
     *     limit) and what to do, or null when it is possible
     * @param obstacle the same in a few words, for the plan line
     * @throws InvalidInputException when {@code BROADCAST} was asked for and is impossible
     */
    public static Decision choose(Choice choice, Sizes s, String broadcastRefusal, String obstacle) {
        String costs = String.format(
                Locale.ROOT,
                "broadcast moves %s (J × %d + A + G)%s; streamed moves %s (%s of J per task × %d tasks + A + G);"
                        + " a shuffle (BlockMatrix, %d-blocks) would move ≈ %s",
                BlockPlanner.human(s.broadcastMoves()),
                1 + s.executors(),
                broadcastRefusal == null ? "" : ", but is not possible: " + obstacle,
                BlockPlanner.human(s.streamedMoves()),
                BlockPlanner.human(s.jStreamBytes()),
                s.streamedTasks(),
                SHUFFLE_BLOCK,
                BlockPlanner.human(s.shuffleMoves()));
        switch (choice) {
            case BROADCAST -> {
                if (broadcastRefusal != null) {
                    throw new InvalidInputException("--plan broadcast: " + broadcastRefusal);
                }
                return new Decision(Kind.BROADCAST, "plan broadcast (--plan broadcast; " + costs + ")");
            }
            case STREAMED -> {
                return new Decision(Kind.STREAMED, "plan streamed (--plan streamed; " + costs + ")");
            }
            default -> {
                boolean broadcast = broadcastRefusal == null && s.broadcastMoves() <= s.streamedMoves();
                return new Decision(
                        broadcast ? Kind.BROADCAST : Kind.STREAMED,
                        "plan " + (broadcast ? "broadcast" : "streamed") + " (cost model: " + costs + ")");
            }
        }
    }

    private static long ceil(long a, long b) {
        return Math.max(1, (a + b - 1) / b);
    }
}
