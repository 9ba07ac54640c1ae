package io.adjoint.core.graph;

import java.util.List;

/**
 * The functions an expression may call, by name. The graph layer needs only this; the registry of built-ins
 * and user ops ({@code io.adjoint.core.graph.ops.Functions}) implements it, so the ops depend on the graph
 * layer and not the other way round.
 */
public interface FunctionLookup {
    /** The function called {@code name}, or null. */
    Function get(String name);

    /** Every callable name, sorted. */
    List<String> names();
}
