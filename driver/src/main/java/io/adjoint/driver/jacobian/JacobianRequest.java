package io.adjoint.driver.jacobian;

import io.adjoint.core.expr.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * What the user asked the {@code jacobian} job to do: filled by the CLI, or from Java with the fluent setters.
 * Nothing is checked here; {@link JacobianInputs#prepare} checks everything once.
 *
 * <pre>{@code
 * JacobianRequest req = new JacobianRequest()
 *         .expression(Expr.input("W").matmul(Expr.input("X")).call("tanh"))
 *         .input("W", w)                 // an in-memory DMatrixRMaj
 *         .input("X", "hdfs:///x.npy")   // or a path / Hadoop URI of a 2-D .npy
 *         .wrt("X")
 *         .out("jac");                   // only needed to write files
 * }</pre>
 */
public final class JacobianRequest {
    /** The expression as text, e.g. {@code tanh(W @ X + b)}; ignored when {@link #expression} is set. */
    public String expr;
    /** The expression as a tree built in Java; takes precedence over {@link #expr}. */
    public Expr expression;
    /** Input name → path or Hadoop URI of a 2-D .npy file. */
    public final Map<String, String> inputs = new LinkedHashMap<>();
    /** Input name → an in-memory matrix (not modified). A name is given as a path or as a matrix, not both. */
    public final Map<String, DMatrixRMaj> values = new LinkedHashMap<>();
    /** Inputs to differentiate with respect to. */
    public final List<String> wrt = new ArrayList<>();
    /** Output folder: one NAME.npy per wrt; null when only {@link JacobianJob#toIndexedRowMatrix} is used. */
    public String outDir;

    public boolean overwrite;
    /** Continue an interrupted run with the same inputs and arguments, reusing its finished blocks. */
    public boolean resume;
    /** Result rows per task; null lets the planner choose. */
    public Integer rowsPerTask;
    /** How rows are seeded: compressed by colours of the structural pattern where that pays (the default). */
    public Seeding seeding = Seeding.AUTO;
    /** How each Jacobian is written, unless {@link #formats} names its input. */
    public Format format = Format.NPY;
    /** The command this job runs for, the first word of its log lines ({@code hessian} runs jacobian jobs). */
    public String command = "jacobian";
    /** Put before each result's name: {@code hessian} writes {@code A.B.npy}, the Jacobian of A's gradient by B. */
    public String resultPrefix = "";
    /**
     * The requested input whose Jacobian is a symmetric square block — a Hessian's ∂(∇_A f)/∂A, set by
     * {@code hessian} — seeded by a star colouring where that takes fewer sweeps ({@link StarSeeding}); null for none.
     */
    public String symmetricWrt;
    /** {@code hessian --colouring}: false keeps the distance-2 colouring for symmetric blocks too. */
    public boolean starColouring = true;
    /** Input name → how its Jacobian is written, overriding {@link #format}. */
    public final Map<String, Format> formats = new LinkedHashMap<>();

    /** Row seeding of the reverse sweeps. */
    public enum Seeding {
        /** Compressed where the pattern's colours are at most half the rows, else one seed per row. */
        AUTO,
        /** One seed per row of the Jacobian (p·q seeds), whatever the structure. */
        DENSE,
        /** Compressed whenever the pattern is not full. */
        COMPRESSED
    }

    /** Output format. */
    public enum Format {
        /** NAME.npy, the dense (p, q, k, l) float64 array. */
        NPY,
        /** NAME.npz, the (p·q) × (k·l) matricization in SciPy's CSR layout ({@code scipy.sparse.load_npz}). */
        CSR,
        /** CSR when its file is smaller than the dense one, by the structural pattern's count; else NPY. */
        AUTO
    }

    /** Sets the expression text. */
    public JacobianRequest expr(String text) {
        this.expr = text;
        return this;
    }

    /** Sets the expression tree. */
    public JacobianRequest expression(Expr e) {
        this.expression = e;
        return this;
    }

    /** Adds an input stored at {@code pathOrUri}. */
    public JacobianRequest input(String name, String pathOrUri) {
        inputs.put(name, pathOrUri);
        return this;
    }

    /** Adds an in-memory input. */
    public JacobianRequest input(String name, DMatrixRMaj value) {
        values.put(name, value);
        return this;
    }

    /** Adds inputs to differentiate with respect to. */
    public JacobianRequest wrt(String... names) {
        wrt.addAll(List.of(names));
        return this;
    }

    /** Sets the output folder. */
    public JacobianRequest out(String dir) {
        this.outDir = dir;
        return this;
    }

    /** The expression's source text (from the tree when one is set). */
    public String exprText() {
        return expression != null ? expression.text : expr;
    }

    /** A copy for a nested job: the same expression and inputs, other wrt and output folder, fresh temporaries. */
    JacobianRequest derived(List<String> wrt, String outDir) {
        JacobianRequest r = new JacobianRequest();
        r.expr = expr;
        r.expression = expression;
        r.inputs.putAll(inputs);
        r.values.putAll(values);
        r.wrt.addAll(wrt);
        r.outDir = outDir;
        r.overwrite = true;
        r.rowsPerTask = rowsPerTask;
        r.seeding = seeding;
        return r;
    }

    /** Write part files and join them at commit even on the local FileSystem (tests of the HDFS layout). */
    public boolean forcePartsOutput;
}
