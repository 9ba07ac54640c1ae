package io.adjoint.driver.products;

import io.adjoint.driver.jacobian.JacobianRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch of products with the Jacobian, without forming it: vector-Jacobian products ({@link Kind#VJP}, one per
 * cotangent, for each {@code --wrt} input) or Jacobian-vector products ({@link Kind#JVP}, one per tangent, summed
 * over the inputs given tangents). The expression and its inputs are the {@link JacobianRequest}'s; its {@code wrt}
 * names the VJP's inputs (for a JVP, the tangents name them).
 */
public final class ProductRequest {
    /** Which product. */
    public enum Kind {
        VJP,
        JVP
    }

    public final Kind kind;
    /** The expression, its inputs and (VJP) the inputs to differentiate. */
    public final JacobianRequest job = new JacobianRequest();
    /** VJP: the cotangent file, shape (p, q) or (N, p, q). */
    public String cotangent;
    /** JVP: input name → tangent file, shape (k, l) or (N, k, l). */
    public final Map<String, String> tangents = new LinkedHashMap<>();

    public String outDir;
    public boolean overwrite;
    public boolean resume;
    /** Products per task; null to plan. */
    public Integer rowsPerTask;

    public ProductRequest(Kind kind) {
        this.kind = kind;
    }

    /** The JVP's result name: {@code DIR/<name>.npy} ({@code hvp} names each by its input). */
    public String jvpResultName = "out";
    /** The command's name for messages, when another command runs this job ({@code hvp}); null: vjp or jvp. */
    public String commandName;

    /** The command's name, for messages. */
    public String command() {
        return commandName != null ? commandName : kind == Kind.VJP ? "vjp" : "jvp";
    }
}
