package io.adjoint.core.linalg;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape (a, b, c, d) of a 4-D array, viewed as its row-major (a·b)×(c·d) matricization
 * (DESIGN.md §1): T~[i·b + j, r·d + s] = T[i, j, r, s]. Dimensions may be zero.
 */
public final class Shape4 implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long a;
    private final long b;
    private final long c;
    private final long d;

    public Shape4(long a, long b, long c, long d) {
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            throw new IllegalArgumentException("negative dimension in (" + a + ", " + b + ", " + c + ", " + d + ")");
        }
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        Math.multiplyExact(rows(), cols());
    }

    /** From a 4-element shape array; throws for another rank. */
    public static Shape4 of(long[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("need 4 dimensions, got " + shape.length);
        }
        return new Shape4(shape[0], shape[1], shape[2], shape[3]);
    }

    public long dim(int i) {
        return switch (i) {
            case 0 -> a;
            case 1 -> b;
            case 2 -> c;
            case 3 -> d;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    public long[] toArray() {
        return new long[] {a, b, c, d};
    }

    /** a·b: rows of the matricization. */
    public long rows() {
        return Math.multiplyExact(a, b);
    }

    /** c·d: columns of the matricization. */
    public long cols() {
        return Math.multiplyExact(c, d);
    }

    /** "(a, b)": the leading (row) axes. */
    public String rowAxes() {
        return "(" + a + ", " + b + ")";
    }

    /** "(c, d)": the trailing (column) axes. */
    public String colAxes() {
        return "(" + c + ", " + d + ")";
    }

    @Override
    public String toString() {
        return "(" + a + ", " + b + ", " + c + ", " + d + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape4 s && a == s.a && b == s.b && c == s.c && d == s.d;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toArray());
    }
}
