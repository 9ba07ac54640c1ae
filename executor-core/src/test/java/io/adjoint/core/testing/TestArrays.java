package io.adjoint.core.testing;

import io.adjoint.core.npy.NpyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/** Test helpers shared by every module: seeded random arrays, raw .npy writing, a naive contraction. */
public final class TestArrays {
    private TestArrays() {}

    public static double[] random(Random rng, long n) {
        double[] d = new double[Math.toIntExact(n)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return d;
    }

    public static long product(long... dims) {
        long p = 1;
        for (long d : dims) {
            p *= d;
        }
        return p;
    }

    /** Writes a random C-order {@code <f8} array and returns its data. */
    /** Every value of the .npy file at {@code path}, in C order, whatever its shape. */
    public static double[] readAll(Path path) throws IOException {
        try (io.adjoint.core.npy.FileByteSource src = new io.adjoint.core.npy.FileByteSource(path)) {
            io.adjoint.core.npy.NpyHeader h = io.adjoint.core.npy.NpyHeader.read(src);
            return io.adjoint.core.npy.NpyReader.readAll(src, h, h.rank() / 2).data;
        }
    }

    public static double[] writeRandom(Path path, Random rng, long... shape) throws IOException {
        double[] d = random(rng, product(shape));
        NpyWriter.write(path, shape, d);
        return d;
    }

    /**
     * Naive reference: G[i,j,r,s] = Σ_{a,b} A[i,j,a,b] J[a,b,r,s] with four nested index loops over
     * the 4-D indices (no matricization), C-order flat arrays in and out.
     */
    public static double[] naiveContract(double[] a, long[] as, double[] j, long[] js) {
        int p = (int) as[0], q = (int) as[1], n = (int) as[2], m = (int) as[3];
        int k = (int) js[2], l = (int) js[3];
        double[] g = new double[p * q * k * l];
        for (int i = 0; i < p; i++) {
            for (int jj = 0; jj < q; jj++) {
                for (int r = 0; r < k; r++) {
                    for (int s = 0; s < l; s++) {
                        double sum = 0;
                        for (int x = 0; x < n; x++) {
                            for (int y = 0; y < m; y++) {
                                sum += a[((i * q + jj) * n + x) * m + y] * j[((x * m + y) * k + r) * l + s];
                            }
                        }
                        g[((i * q + jj) * k + r) * l + s] = sum;
                    }
                }
            }
        }
        return g;
    }

    /** Largest |x−y| / max(1e-300, max|y|) over all entries: a relative error normalized by the reference's scale. */
    public static double relError(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new AssertionError("lengths differ: " + x.length + " vs " + y.length);
        }
        double scale = 1e-300;
        double err = 0;
        for (int i = 0; i < x.length; i++) {
            scale = Math.max(scale, Math.abs(y[i]));
            err = Math.max(err, Math.abs(x[i] - y[i]));
        }
        return err / scale;
    }

    public static DMatrixRMaj matrix(int rows, int cols, double[] data) {
        return DMatrixRMaj.wrap(rows, cols, data);
    }

    /**
     * Writes a .npy file with any descr/order from C-order values, converting to the dtype; the
     * header is version 1.0. For tests of the reader only.
     */
    public static void writeRaw(Path path, String descr, boolean fortran, long[] shape, double[] cOrder)
            throws IOException {
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String t = descr.substring(1);
        int item = Integer.parseInt(t.substring(1));
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(i > 0 ? ", " : "").append(shape[i]);
        }
        sh.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + sh
                + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        ByteBuffer bb = ByteBuffer.allocate(total + cOrder.length * item);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int hl = total - 10;
        bb.put((byte) hl).put((byte) (hl >>> 8));
        bb.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (bb.position() < total - 1) {
            bb.put((byte) ' ');
        }
        bb.put((byte) '\n');
        bb.order(order);
        int n = cOrder.length;
        for (int f = 0; f < n; f++) {
            double v = cOrder[fortran ? fortranToC(f, shape) : f];
            switch (t) {
                case "f8":
                    bb.putDouble(v);
                    break;
                case "f4":
                    bb.putFloat((float) v);
                    break;
                case "i4":
                    bb.putInt((int) v);
                    break;
                case "i8":
                    bb.putLong((long) v);
                    break;
                default:
                    throw new IllegalArgumentException(descr);
            }
        }
        Files.write(path, bb.array());
    }

    /** The C-order linear index of the element at Fortran linear index f. */
    public static int fortranToC(int f, long[] shape) {
        int c = 0;
        int rest = f;
        int[] idx = new int[shape.length];
        for (int a = 0; a < shape.length; a++) {
            idx[a] = (int) (rest % shape[a]);
            rest /= shape[a];
        }
        for (int a = 0; a < shape.length; a++) {
            c = c * (int) shape[a] + idx[a];
        }
        return c;
    }
}
