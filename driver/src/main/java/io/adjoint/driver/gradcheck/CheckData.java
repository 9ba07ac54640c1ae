package io.adjoint.driver.gradcheck;

import io.adjoint.core.check.Tolerance;
import io.adjoint.core.graph.BatchedDifferences;
import io.adjoint.core.graph.Differencing;
import io.adjoint.core.graph.Graph;
import io.adjoint.core.graph.ReverseSweep;
import io.adjoint.core.graph.SparsityPattern;
import io.adjoint.core.graph.ops.Functions;
import io.adjoint.core.npy.ByteSource;
import io.adjoint.core.npy.NpyHeader;
import io.adjoint.core.npy.NpyReader;
import io.adjoint.core.sparsity.CompressedDifferences;
import io.adjoint.core.sparsity.RowColouring;
import io.adjoint.driver.storage.HadoopByteSource;
import io.adjoint.driver.storage.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * What every gradcheck task of one input needs, broadcast once: the graph, where the inputs are (qualified file
 * URIs; matrices given in memory through the Java API travel here), where the analytic Jacobian is (a stored or
 * temporary file, or none: then the reverse sweep), the tolerances and the tile grid. The input values and the
 * forward pass's tape are not in it: tasks take them from {@link Evaluations}, once per JVM and check.
 */
public final class CheckData implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Which check this is: the key of its values in {@link Evaluations}. */
    final String key;

    final Graph graph;
    /** Inputs the expression uses, read from storage: name → qualified URI. */
    final Map<String, String> inputUris;
    /** Inputs the expression uses, given as matrices (Java API). */
    final Map<String, DMatrixRMaj> given;

    final String wrt;
    /** The input's graph node, −1 when the expression does not use it (every derivative is 0). */
    final int wrtNode;
    /**
     * The expression whose Jacobian is the analytic side, when it is not {@link #graph} (a second-order check:
     * the symbolic gradient, while the differences are of the reverse-mode one); null: {@link #graph}.
     */
    final Graph analyticGraph;
    /** The input's node in {@link #analyticGraph}. */
    final int analyticWrtNode;

    final String analyticUri;
    final NpyHeader analyticHeader;
    /** Leading axes of the analytic file that index the output (2 for (p, q, k, l)). */
    final int analyticRowDims;

    final double eps;
    final Tolerance tol;
    final TileGrid grid;
    final int worst;
    final long seed;
    final HadoopConf conf;
    /** Curtis–Powell–Reid: the colouring of J's columns whose colours are perturbed together, or null. */
    final RowColouring byColumn;
    /** The structural pattern of Jᵀ (row c: the rows of J's column c) for the structural check, or null. */
    final SparsityPattern columnPattern;
    /**
     * Structured full mode: the compressed analytic rows ({@link CompressedRows}, colours × k·l) and the row
     * colouring they were swept by; null when the analytic side is a whole Jacobian ({@link #analyticUri}).
     */
    final String compressedUri;

    final NpyHeader compressedHeader;
    final RowColouring byRow;

    private CheckData(Builder b) {
        this.key = b.key;
        this.graph = b.graph;
        this.inputUris = new HashMap<>(b.inputUris); // serializable whatever the caller passed
        this.given = new HashMap<>(b.given);
        this.wrt = b.wrt;
        this.wrtNode = b.wrtNode;
        this.analyticGraph = b.analyticGraph;
        this.analyticWrtNode = b.analyticGraph == null ? b.wrtNode : b.analyticWrtNode;
        this.analyticUri = b.analyticUri;
        this.analyticHeader = b.analyticHeader;
        this.analyticRowDims = b.analyticRowDims;
        this.eps = b.eps;
        this.tol = b.tol;
        this.grid = b.grid;
        this.worst = b.worst;
        this.seed = b.seed;
        this.conf = b.conf;
        this.byColumn = b.byColumn;
        this.columnPattern = b.columnPattern;
        this.compressedUri = b.compressedUri;
        this.compressedHeader = b.compressedHeader;
        this.byRow = b.byRow;
    }

    /**
     * A check's data by name: set what the check has (the fields above; those left unset are null, 0 or empty: no
     * stored or compressed analytic side, no colouring), then {@link #build}.
     */
    static final class Builder {
        private String key;
        private Graph graph;
        private Map<String, String> inputUris = Map.of();
        private Map<String, DMatrixRMaj> given = Map.of();
        private String wrt;
        private int wrtNode;
        private Graph analyticGraph;
        private int analyticWrtNode;
        private String analyticUri;
        private NpyHeader analyticHeader;
        private int analyticRowDims;
        private double eps;
        private Tolerance tol;
        private TileGrid grid;
        private int worst;
        private long seed;
        private HadoopConf conf;
        private RowColouring byColumn;
        private SparsityPattern columnPattern;
        private String compressedUri;
        private NpyHeader compressedHeader;
        private RowColouring byRow;

        Builder key(String v) {
            this.key = v;
            return this;
        }

        Builder graph(Graph v) {
            this.graph = v;
            return this;
        }

        Builder inputUris(Map<String, String> v) {
            this.inputUris = v;
            return this;
        }

        Builder given(Map<String, DMatrixRMaj> v) {
            this.given = v;
            return this;
        }

        Builder wrt(String v) {
            this.wrt = v;
            return this;
        }

        /** The analytic side's own expression and the input's node in it (see {@link CheckData#analyticGraph}). */
        Builder analytic(Graph g, int node) {
            this.analyticGraph = g;
            this.analyticWrtNode = node;
            return this;
        }

        Builder wrtNode(int v) {
            this.wrtNode = v;
            return this;
        }

        Builder analyticUri(String v) {
            this.analyticUri = v;
            return this;
        }

        Builder analyticHeader(NpyHeader v) {
            this.analyticHeader = v;
            return this;
        }

        Builder analyticRowDims(int v) {
            this.analyticRowDims = v;
            return this;
        }

        Builder eps(double v) {
            this.eps = v;
            return this;
        }

        Builder tol(Tolerance v) {
            this.tol = v;
            return this;
        }

        Builder grid(TileGrid v) {
            this.grid = v;
            return this;
        }

        Builder worst(int v) {
            this.worst = v;
            return this;
        }

        Builder seed(long v) {
            this.seed = v;
            return this;
        }

        Builder conf(HadoopConf v) {
            this.conf = v;
            return this;
        }

        Builder byColumn(RowColouring v) {
            this.byColumn = v;
            return this;
        }

        Builder columnPattern(SparsityPattern v) {
            this.columnPattern = v;
            return this;
        }

        Builder compressedUri(String v) {
            this.compressedUri = v;
            return this;
        }

        Builder compressedHeader(NpyHeader v) {
            this.compressedHeader = v;
            return this;
        }

        Builder byRow(RowColouring v) {
            this.byRow = v;
            return this;
        }

        CheckData build() {
            return new CheckData(this);
        }
    }

    /** A builder holding this check's data, to change some of it. */
    Builder toBuilder() {
        return new Builder()
                .key(key)
                .graph(graph)
                .inputUris(inputUris)
                .given(given)
                .wrt(wrt)
                .wrtNode(wrtNode)
                .analytic(analyticGraph, analyticWrtNode)
                .analyticUri(analyticUri)
                .analyticHeader(analyticHeader)
                .analyticRowDims(analyticRowDims)
                .eps(eps)
                .tol(tol)
                .grid(grid)
                .worst(worst)
                .seed(seed)
                .conf(conf)
                .byColumn(byColumn)
                .columnPattern(columnPattern)
                .compressedUri(compressedUri)
                .compressedHeader(compressedHeader)
                .byRow(byRow);
    }

    /** The same check with the header of its analytic file, once the sweep has written it. */
    CheckData withAnalyticHeader(NpyHeader h) {
        return toBuilder().analyticHeader(h).build();
    }

    /** The same check reading its analytic side from compressed rows at {@code uri}, swept by {@code rows}. */
    CheckData withCompressedRows(String uri, NpyHeader h, RowColouring rows) {
        return toBuilder().compressedUri(uri).compressedHeader(h).byRow(rows).build();
    }

    /** Columns [c0, c1) of the compressed analytic rows (colours × (c1 − c0)). */
    DMatrixRMaj compressedColumns(long c0, long c1) throws IOException {
        try (ByteSource src = HadoopByteSource.open(compressedUri, conf.get())) {
            return NpyReader.readColumns(src, compressedHeader, 1, c0, c1, null);
        }
    }

    /** The compressed central differences of columns [c0, c1) (Curtis–Powell–Reid). */
    CompressedDifferences.Groups numericGroups(long c0, long c1) throws IOException {
        return CompressedDifferences.groups(differencing(), byColumn, c0, c1);
    }

    /** Sweeps the rows of colour g one by one and notes each non-zero at column col on its row tile. */
    void nameLeak(int g, long col, List<io.adjoint.core.check.TileStats> tiles) throws IOException {
        int pq = (int) grid.rows();
        java.util.List<Integer> members = new java.util.ArrayList<>();
        for (int rho = 0; rho < pq; rho++) {
            if (byRow.colour(rho) == g) {
                members.add(rho);
            }
        }
        for (int rho : members) {
            DMatrixRMaj row =
                    ReverseSweep.sweep(Evaluations.of(this).tape(), new int[] {analyticWrtNode}, rho, rho + 1)[0];
            double v = row.data[(int) col];
            if (v != 0) {
                tiles.get(rho / grid.tileRows()).structuralNonZero(rho, col, v, tol);
            }
        }
    }

    /** Numeric columns [c0, c1) for all rows: central differences, batched where the graph allows. */
    DMatrixRMaj numericColumns(long c0, long c1) throws IOException {
        if (wrtNode < 0) {
            return new DMatrixRMaj((int) grid.rows(), (int) (c1 - c0));
        }
        if (byColumn != null) {
            return CompressedDifferences.columns(differencing(), byColumn, c0, c1);
        }
        return BatchedDifferences.columns(differencing(), (int) c0, (int) c1);
    }

    /** Central differences of this check's input, at its step, batched as {@link #batch} says. */
    private Differencing differencing() throws IOException {
        return new Differencing(graph, Evaluations.of(this).inputs, wrt, eps, Functions.standard(), batch(graph));
    }

    /** Analytic rows [r0, r1), all columns: from the stored or temporary file, or the sweep. */
    DMatrixRMaj analyticRows(long r0, long r1) throws IOException {
        if (analyticUri != null) {
            try (ByteSource src = HadoopByteSource.open(analyticUri, conf.get())) {
                return NpyReader.readRows(src, analyticHeader, analyticRowDims, r0, r1, null);
            }
        }
        if (analyticWrtNode < 0) {
            return new DMatrixRMaj((int) (r1 - r0), (int) grid.cols());
        }
        return ReverseSweep.sweep(Evaluations.of(this).tape(), new int[] {analyticWrtNode}, r0, r1)[0];
    }

    /** The graph the analytic side's tape is of. */
    Graph tapeGraph() {
        return analyticGraph != null ? analyticGraph : graph;
    }

    /** Perturbed copies per batched forward pass: about 64 MiB of node values per pass, 2 to 128 copies. */
    static int batch(Graph g) {
        long total = 0;
        for (Graph.Node n : g.nodes()) {
            total += n.shape.size();
        }
        return (int) Math.max(2, Math.min(128, (8L << 20) / Math.max(1, total)));
    }
}
