"""Makes the example inputs of the README (committed; rerun only to change them).

    cd conf/examples && python3 make_examples.py

A: adjoint of shape (p, q, n, m) = (4, 3, 5, 2); J: local Jacobian (n, m, k, l) = (5, 2, 3, 3).
J2 (6, 1, 3, 3) pairs with A2 (4, 3, 6, 1) for the two-pair example.
"""
import numpy as np

rng = np.random.default_rng(7)
A = rng.standard_normal((4, 3, 5, 2))
J = rng.standard_normal((5, 2, 3, 3))
A2 = rng.standard_normal((4, 3, 6, 1))
J2 = rng.standard_normal((6, 1, 3, 3))
np.save("A.npy", A)
np.save("J.npy", J)
np.save("A2.npy", A2)
np.save("J2.npy", J2)

# The jacobian example: out = tanh(W @ X + b), W (3, 4), X (4, 5), b (3, 1) broadcast over columns.
np.save("W.npy", rng.standard_normal((3, 4)))
np.save("X.npy", rng.standard_normal((4, 5)))
np.save("b.npy", rng.standard_normal((3, 1)))
