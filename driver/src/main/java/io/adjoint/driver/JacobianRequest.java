package io.adjoint.driver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user asked the {@code jacobian} job to do; filled by the CLI or from Java. */
public final class JacobianRequest {
    /** The expression, e.g. {@code tanh(W @ X + b)}. */
    public String expr;
    /** Input name → path or Hadoop URI of a 2-D .npy file. */
    public final Map<String, String> inputs = new LinkedHashMap<>();
    /** Inputs to differentiate with respect to. */
    public final List<String> wrt = new ArrayList<>();
    /** Output folder: one NAME.npy per --wrt. */
    public String outDir;
    public boolean overwrite;
    /** Continue an interrupted run with the same inputs and arguments, reusing its finished blocks. */
    public boolean resume;
    /** Result rows per task; 0 lets the planner choose. */
    public int rowsPerTask;
}
