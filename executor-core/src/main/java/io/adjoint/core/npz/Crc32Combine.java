package io.adjoint.core.npz;

/**
 * CRC-32 (the ZIP polynomial, as {@link java.util.zip.CRC32}) of a concatenation from the CRCs of its parts:
 * crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B) over GF(2) modulo the polynomial — so tasks checksum their own byte
 * ranges and the driver combines them without reading the bytes. Polynomials are held reflected (bit 31 is x⁰),
 * as the CRC itself is; x^(8·n) is formed by squaring, O(log n) products of 32 steps each.
 */
public final class Crc32Combine {
    private static final int POLY = 0xEDB88320;
    /** x^(2^k) mod P for k = 0..31, reflected. */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x¹
        X2N[0] = p;
        for (int k = 1; k < 32; k++) {
            p = multModP(p, p);
            X2N[k] = p;
        }
    }

    private Crc32Combine() {}

    /** a·b mod P for reflected polynomials. */
    static int multModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    return p;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
    }

    /** x^(n·2^k) mod P. */
    private static int x2nModP(long n, int k) {
        int p = 1 << 31; // x⁰
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    /** crc(A‖B) from crc(A), crc(B) and |B| in bytes (CRCs as the unsigned values CRC32 returns). */
    public static long combine(long crcA, long crcB, long lengthB) {
        int a = (int) crcA;
        int b = (int) crcB;
        return Integer.toUnsignedLong(multModP(x2nModP(lengthB, 3), a) ^ b);
    }
}
