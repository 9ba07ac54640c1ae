"""Random matrix expressions and their exact Jacobians by the complex-step method (NumPy only).

    python3 random_expressions.py make SEED DIR   # DIR/case.json, DIR/<input>.npy, DIR/expected_<input>.npy
    python3 random_expressions.py check DIR OUT   # compare OUT/<input>.npy with the expected, rtol 1e-9 atol 1e-12

The expressions are drawn at random from the whole language (so nobody wrote them), with shapes tracked so
they are valid. The reference is independent of Adjoint: NumPy evaluates the same text with Python's own
operators, and each Jacobian column is Im f(X + i·h·E_rs) / h with h = 1e-30 (complex step: no subtraction,
so exact to rounding for functions analytic at the point; relu and abs are taken piecewise).
"""
import json
import sys

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.where(z.real > 0, z, 0 * z)


def absolute(z):
    return np.where(z.real >= 0, z, -z)


def softmax(z, axis):
    e = np.exp(z - np.max(z.real, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def reduce_(fn):
    def r(z, axis=None):
        return fn(z).reshape(1, 1) if axis is None else fn(z, axis=axis, keepdims=True)
    return r


NS = {
    "tanh": np.tanh, "sigmoid": sigmoid, "relu": relu, "exp": np.exp, "log": np.log, "sin": np.sin,
    "cos": np.cos, "sqrt": np.sqrt, "square": lambda z: z * z, "abs": absolute,
    "sum": reduce_(np.sum), "mean": reduce_(np.mean),
    "trace": lambda z: np.trace(z).reshape(1, 1), "inv": np.linalg.inv, "softmax": softmax,
    "pow": lambda z, c: z ** c,
}


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.inputs = {}   # name -> shape
        self.square_inputs = {}

    def leaf(self, r, c):
        same = [n for n, s in self.inputs.items() if s == (r, c) and not n.startswith("S")]
        if same and self.rng.random() < 0.4:
            return self.rng.choice(same)  # fan-out: one input used twice
        name = "X%d" % len(self.inputs)
        self.inputs[name] = (r, c)
        return name

    def positive(self, r, c, d):
        e = self.expr(r, c, d - 1)
        return self.rng.choice(["(1 + square(%s))" % e, "exp(%s)" % e, "(sigmoid(%s) + 0.5)" % e])

    def bshape(self, r, c):
        # a shape that broadcasts to (r, c)
        return (self.rng.choice([r, 1]), self.rng.choice([c, 1]))

    def expr(self, r, c, d):
        rng = self.rng
        if d <= 0 or rng.random() < 0.15:
            return self.leaf(r, c)
        k = rng.integers(0, 12)
        if k == 0:
            f = rng.choice(["tanh", "sigmoid", "sin", "cos", "relu", "abs", "square"])
            return "%s(%s)" % (f, self.expr(r, c, d - 1))
        if k == 1:
            f = rng.choice(["log", "sqrt"])
            return "%s(%s)" % (f, self.positive(r, c, d))
        if k == 2:
            return "pow(%s, %s)" % (self.positive(r, c, d), rng.choice(["-0.5", "1.5", "2", "-1", "0.25"]))
        if k == 3:
            inner = int(rng.integers(1, 5))
            return "%s @ %s" % (self.expr(r, inner, d - 1), self.atom(inner, c, d - 1))
        if k in (4, 5):
            op = rng.choice(["+", "-", "*"])
            a = self.bshape(r, c) if rng.random() < 0.5 else (r, c)
            b = (r, c) if a != (r, c) else self.bshape(r, c)
            return "%s %s %s" % (self.expr(a[0], a[1], d - 1), op, self.atom(b[0], b[1], d - 1))
        if k == 6:
            b = self.bshape(r, c)
            return "%s / %s" % (self.atom(r, c, d - 1), self.positive(b[0], b[1], d))
        if k == 7:
            return "(%s).T" % self.expr(c, r, d - 1)
        if k == 8:
            return "-%s" % self.atom(r, c, d - 1)
        if k == 9:
            return "softmax(%s, %d)" % (self.expr(r, c, d - 1), rng.integers(0, 2))
        if k == 10 and r == c:
            name = "S%d" % len(self.inputs)
            self.inputs[name] = (r, r)
            return "inv(%s + 0.2 * tanh(%s))" % (name, self.expr(r, r, d - 1))
        if r == 1 and c == 1:
            n, m = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            f = rng.choice(["sum", "mean", "trace"])
            return "%s(%s)" % (f, self.expr(n, m, d - 1))
        if r == 1:
            return "%s(%s, 0)" % (rng.choice(["sum", "mean"]), self.expr(int(rng.integers(1, 4)), c, d - 1))
        if c == 1:
            return "%s(%s, 1)" % (rng.choice(["sum", "mean"]), self.expr(r, int(rng.integers(1, 4)), d - 1))
        return "%s * %s" % (self.atom(r, c, d - 1), self.atom(r, c, d - 1))

    def atom(self, r, c, d):
        return "(%s)" % self.expr(r, c, d)


def make(seed, out):
    rng = np.random.default_rng(seed)
    g = Gen(rng)
    p, q = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    expr = g.expr(p, q, 4)
    values = {}
    for name, shape in g.inputs.items():
        v = rng.standard_normal(shape)
        if name.startswith("S"):
            v = 0.3 * v + 4 * np.eye(shape[0])
        values[name] = v
        np.save("%s/%s.npy" % (out, name), v)
    f = lambda env: np.asarray(eval(expr, dict(NS), env), dtype=complex)
    base = f({k: v.astype(complex) for k, v in values.items()})
    h = 1e-30
    for name, v in values.items():
        jac = np.zeros(base.shape + v.shape)
        for idx in np.ndindex(*v.shape):
            env = {k: w.astype(complex) for k, w in values.items()}
            env[name][idx] += 1j * h
            jac[(slice(None), slice(None)) + idx] = f(env).imag / h
        np.save("%s/expected_%s.npy" % (out, name), jac)
    json.dump({"expr": expr, "inputs": list(values), "shape": list(base.shape)}, open(out + "/case.json", "w"))
    print(json.dumps({"expr": expr, "inputs": list(values)}))


def check(case_dir, out):
    case = json.load(open(case_dir + "/case.json"))
    for name in case["inputs"]:
        got = np.load("%s/%s.npy" % (out, name))
        want = np.load("%s/expected_%s.npy" % (case_dir, name))
        assert got.dtype == np.float64 and got.flags.c_contiguous
        assert got.shape == want.shape, (name, got.shape, want.shape)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=case["expr"] + " d/d" + name)
    print("ok", case["expr"])


def check_csr(case_dir, out, dense_out):
    """--format csr: scipy loads each .npz; it equals the reference, and the dense result has no non-zero
    outside the stored entries (the pattern holds every non-zero)."""
    import scipy.sparse
    case = json.load(open(case_dir + "/case.json"))
    for name in case["inputs"]:
        m = scipy.sparse.load_npz("%s/%s.npz" % (out, name))
        want = np.load("%s/expected_%s.npy" % (case_dir, name))
        dense = np.load("%s/%s.npy" % (dense_out, name))
        assert m.format == "csr" and m.shape == (want.shape[0] * want.shape[1], want.shape[2] * want.shape[3])
        got = m.toarray().reshape(want.shape)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=case["expr"] + " d/d" + name)
        stored = np.zeros(m.shape, dtype=bool)
        stored[m.nonzero()] = True
        coo = m.tocoo()
        stored[coo.row, coo.col] = True
        outside = (dense.reshape(m.shape) != 0) & ~stored
        assert not outside.any(), (case["expr"], name, "non-zeros outside the pattern", np.argwhere(outside)[:3])
        np.testing.assert_array_equal(got, dense, err_msg=case["expr"] + " d/d" + name + ": csr vs npy")
    print("ok", case["expr"])


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "check-csr":
        check_csr(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        check(sys.argv[2], sys.argv[3])
