package io.adjoint.driver.contract;

import io.adjoint.core.testing.TestArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** Random pairs written to disk, with the single-JVM naive result summed over pairs. */
final class ContractFixtures {
    final ContractRequest request = new ContractRequest();
    final double[] expected;
    final long[] resultShape;

    /**
     * shapes[t] = {p, q, n_t, m_t, k, l}; every pair must share p, q, k, l. zeroFraction[t] of J_t's
     * entries are set to zero (null: none).
     */
    ContractFixtures(Path dir, long seed, double[] zeroFraction, long[]... shapes) throws IOException {
        Random rng = new Random(seed);
        long[] s0 = shapes[0];
        resultShape = new long[] {s0[0], s0[1], s0[4], s0[5]};
        expected = new double[(int) TestArrays.product(resultShape)];
        for (int t = 0; t < shapes.length; t++) {
            long[] s = shapes[t];
            long[] as = {s[0], s[1], s[2], s[3]};
            long[] js = {s[2], s[3], s[4], s[5]};
            Path ap = dir.resolve("A" + t + ".npy");
            Path jp = dir.resolve("J" + t + ".npy");
            double[] a = TestArrays.writeRandom(ap, rng, as);
            double[] j = TestArrays.random(rng, TestArrays.product(js));
            for (int i = 0; i < j.length; i++) {
                if (zeroFraction != null && rng.nextDouble() < zeroFraction[t]) {
                    j[i] = 0;
                }
            }
            io.adjoint.core.npy.NpyWriter.write(jp, js, j);
            double[] g = TestArrays.naiveContract(a, as, j, js);
            for (int i = 0; i < g.length; i++) {
                expected[i] += g[i];
            }
            request.adjoints.add(ap.toString());
            request.jacobians.add(jp.toString());
        }
    }
}
