package io.adjoint.driver.gradcheck;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A rectangle of tiles [tr0, tr1) × [tc0, tc1), with the id of its projection. */
public final class TileRegion implements Serializable {
    private static final long serialVersionUID = 1L;
    final int tr0;
    final int tr1;
    final int tc0;
    final int tc1;
    final int id;

    TileRegion(int tr0, int tr1, int tc0, int tc1, int id) {
        this.tr0 = tr0;
        this.tr1 = tr1;
        this.tc0 = tc0;
        this.tc1 = tc1;
        this.id = id;
    }

    boolean single() {
        return tr1 - tr0 == 1 && tc1 - tc0 == 1;
    }

    /** Its halves along each axis longer than one tile: 2 or 4 regions with fresh ids. */
    List<TileRegion> split(int[] nextId) {
        List<TileRegion> out = new ArrayList<>();
        int rm = tr1 - tr0 > 1 ? (tr0 + tr1) / 2 : tr1;
        int cm = tc1 - tc0 > 1 ? (tc0 + tc1) / 2 : tc1;
        int[][] rs = rm < tr1 ? new int[][] {{tr0, rm}, {rm, tr1}} : new int[][] {{tr0, tr1}};
        int[][] cs = cm < tc1 ? new int[][] {{tc0, cm}, {cm, tc1}} : new int[][] {{tc0, tc1}};
        for (int[] r : rs) {
            for (int[] c : cs) {
                out.add(new TileRegion(r[0], r[1], c[0], c[1], nextId[0]++));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "tiles rows " + tr0 + ".." + (tr1 - 1) + " × cols " + tc0 + ".." + (tc1 - 1);
    }
}
