package io.adjoint.core.graph;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * What central differences of a graph need: the graph and its input values, the input {@code wrt} they perturb, the
 * step {@code h} (J[:, c] ≈ (f(x + h·e_c) − f(x − h·e_c)) / 2h), the ops, and how many perturbed copies one batched
 * forward pass evaluates ({@code batch}).
 */
public record Differencing(
        Graph graph, Map<String, DMatrixRMaj> inputs, String wrt, double h, FunctionLookup fns, int batch) {}
