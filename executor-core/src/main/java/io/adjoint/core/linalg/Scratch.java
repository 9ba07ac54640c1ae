package io.adjoint.core.linalg;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import org.ejml.data.DMatrixRMaj;

/**
 * Per-thread reuse of large temporary arrays. Adjoint blocks are tens of MiB (B × n·m doubles); allocating a
 * fresh one for every node of every block makes the JVM churn through "humongous" allocations. A task thread
 * keeps the few arrays it released most recently and hands them out again, zeroed.
 */
public final class Scratch {
    /** Arrays kept per thread between uses, and their total size at most. */
    private static final int KEEP = 4;

    private static final long KEEP_BYTES =
            Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 16);
    private static final ThreadLocal<ArrayDeque<double[]>> FREE = ThreadLocal.withInitial(ArrayDeque::new);

    private Scratch() {}

    /** A rows × cols matrix of zeros, reusing a released array of at least that length when there is one. */
    public static DMatrixRMaj zeros(int rows, int cols) {
        int n = Math.multiplyExact(rows, cols);
        ArrayDeque<double[]> free = FREE.get();
        for (Iterator<double[]> it = free.iterator(); it.hasNext(); ) {
            double[] a = it.next();
            if (a.length >= n && a.length <= 2L * n + 1024) {
                it.remove();
                Arrays.fill(a, 0, n, 0.0);
                DMatrixRMaj m = DMatrixRMaj.wrap(rows, cols, a);
                return m;
            }
        }
        return new DMatrixRMaj(rows, cols);
    }

    /** Gives {@code m}'s array back for reuse; {@code m} must not be used afterwards. */
    public static void release(DMatrixRMaj m) {
        if (m == null || m.data.length < 4096) {
            return;
        }
        ArrayDeque<double[]> free = FREE.get();
        free.addFirst(m.data);
        long bytes = 0;
        int kept = 0;
        for (Iterator<double[]> it = free.iterator(); it.hasNext(); ) {
            double[] a = it.next();
            if (kept >= KEEP || bytes + 8L * a.length > KEEP_BYTES) {
                it.remove();
            } else {
                kept++;
                bytes += 8L * a.length;
            }
        }
    }
}
